//! "Why this answer?": over the 28×28 preview, the pixels that made the answer more likely
//! (red) and those that argued against it (blue), found by occlusion
//! (`mnist_model::saliency`), which needs only forward passes and so works on either engine.

use std::cell::Cell;

use mnist_model::IMAGE_PIXELS;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, Document, Element, HtmlCanvasElement, ImageData};

use crate::dom::{by_id, context_2d};

pub struct WhyView {
    button: Element,
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    caption: Element,
    on: Cell<bool>,
}

const CAPTION: &str = "What the network sees: 28×28 pixels, the way MNIST digits were made.";
const CAPTION_WHY: &str = "Red: ink that made this answer more likely; blue: ink that argued \
    against it.";

/// How the overlay was found (`#saliency[data-method]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Copies of the input with a small square blanked: forward passes only, any engine.
    Occlusion,
    /// The answer's gradient with respect to the input, through Burn's autodiff in the
    /// teaching worker.
    Gradient,
}

impl Method {
    fn id(self) -> &'static str {
        match self {
            Method::Occlusion => "occlusion",
            Method::Gradient => "gradient",
        }
    }

    fn caption(self) -> &'static str {
        match self {
            Method::Occlusion => {
                "Found by occlusion: 169 copies of the input, each with a 4×4 square \
                 blanked, in one pass (the gradient comes once the teaching worker has loaded)."
            }
            Method::Gradient => {
                "Found by gradient: how the answer's score changes with each pixel's ink, \
                 through Burn's autodiff."
            }
        }
    }
}

impl WhyView {
    pub fn new(document: &Document) -> Result<Self, String> {
        let canvas: HtmlCanvasElement = by_id(document, "saliency")?;
        Ok(Self {
            button: by_id(document, "why")?,
            context: context_2d(&canvas)?,
            canvas,
            caption: by_id(document, "preview-caption")?,
            on: Cell::new(false),
        })
    }

    pub fn is_on(&self) -> bool {
        self.on.get()
    }

    /// Turns the overlay on or off; returns whether it is on.
    pub fn toggle(&self) -> bool {
        let on = !self.on.get();
        self.on.set(on);
        self.button
            .set_attribute("aria-pressed", if on { "true" } else { "false" })
            .ok();
        self.caption
            .set_text_content(Some(if on { CAPTION_WHY } else { CAPTION }));
        if !on {
            self.clear();
        }
        on
    }

    /// Paints each pixel's score, scaled by the largest either way, and says how it was found.
    pub fn show(&self, scores: &[f32; IMAGE_PIXELS], method: Method) {
        self.canvas.set_attribute("data-method", method.id()).ok();
        self.caption
            .set_text_content(Some(&format!("{CAPTION_WHY} {}", method.caption())));
        let top = scores.iter().fold(0f32, |m, s| m.max(s.abs())).max(1e-6);
        let mut rgba = Vec::with_capacity(IMAGE_PIXELS * 4);
        for &s in scores {
            let strength = (s.abs() / top).clamp(0.0, 1.0);
            let alpha = (strength * 220.0).round() as u8;
            rgba.extend_from_slice(&if s >= 0.0 {
                [255, 40, 40, alpha]
            } else {
                [40, 120, 255, alpha]
            });
        }
        if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), 28, 28) {
            self.context.put_image_data(&image, 0.0, 0.0).ok();
        }
        self.canvas.set_hidden(false);
        self.canvas.set_attribute("data-shown", "true").ok();
    }

    pub fn clear(&self) {
        self.context.clear_rect(0.0, 0.0, 28.0, 28.0);
        self.canvas.set_hidden(true);
        self.canvas.set_attribute("data-shown", "false").ok();
    }
}
