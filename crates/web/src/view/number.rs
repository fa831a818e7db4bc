//! A number of several digits: the panel that reads it out digit by digit (what the network saw
//! of each, and how sure it is), and a box around each digit on the pad.

use mnist_model::{Digit, IMAGE_SIDE};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlCanvasElement, HtmlElement};

use crate::dom::{by_id, context_2d, name_image, paint_input, percent};
use crate::engine::Answer;

pub struct NumberView {
    document: Document,
    /// `#number[data-value][data-count][data-sure][data-touching]`.
    panel: HtmlElement,
    /// One `li[data-digit][data-confidence][data-sure]` per digit.
    list: Element,
    /// Over the pad: one `.box` per digit.
    boxes: Element,
}

/// How the page sums up a number.
pub struct Summary {
    /// The best guess of every digit, left to right.
    pub value: String,
    /// One line: how sure, and what to do about it when not.
    pub summary: String,
}

impl NumberView {
    pub fn new(document: &Document) -> Result<Self, String> {
        Ok(Self {
            document: document.clone(),
            panel: by_id(document, "number")?,
            list: by_id(document, "number-digits")?,
            boxes: by_id(document, "boxes")?,
        })
    }

    /// Shows `digits` (found on an image of `frame` pixels) with their answers. The panel and
    /// the boxes appear only for two digits or more: one digit looks as it always did.
    pub fn show(&self, outputs: &[Answer], digits: &[Digit], frame: (usize, usize)) -> Summary {
        let verdicts: Vec<_> = outputs.iter().map(Answer::verdict).collect();
        let value: String = verdicts.iter().map(|v| v.digit.to_string()).collect();
        let touching = digits.iter().any(|d| d.touching);
        let unsure: Vec<usize> = (0..verdicts.len()).filter(|&i| !verdicts[i].sure).collect();
        let p = &self.panel;
        p.set_attribute("data-value", &value).ok();
        p.set_attribute("data-count", &digits.len().to_string())
            .ok();
        p.set_attribute("data-sure", bool_str(unsure.is_empty() && !touching))
            .ok();
        p.set_attribute("data-touching", bool_str(touching)).ok();
        self.list.set_text_content(None);
        self.boxes.set_text_content(None);
        let several = digits.len() > 1;
        p.set_hidden(!several);
        if several {
            for ((digit, output), verdict) in digits.iter().zip(outputs).zip(&verdicts) {
                self.add_item(digit, output, verdict.sure);
                self.add_box(digit, frame, verdict.sure);
            }
        }
        let summary = match (unsure.first(), touching) {
            (_, true) => "digits touching? leave a gap between them".to_string(),
            (Some(&i), _) => {
                format!("not sure of digit {}: {}", i + 1, verdicts[i].doubt())
            }
            (None, false) => {
                let least = verdicts.iter().map(|v| v.confidence).fold(1.0f32, f32::min);
                format!(
                    "{} digits · each at least {} sure",
                    digits.len(),
                    percent(least, 1)
                )
            }
        };
        Summary { value, summary }
    }

    /// Hides the panel and the boxes.
    pub fn clear(&self) {
        let p = &self.panel;
        p.set_attribute("data-value", "").ok();
        p.set_attribute("data-count", "0").ok();
        p.set_attribute("data-sure", "true").ok();
        p.set_attribute("data-touching", "false").ok();
        p.set_hidden(true);
        self.list.set_text_content(None);
        self.boxes.set_text_content(None);
    }

    /// A digit of the panel: what the network saw, its answer and how sure.
    fn add_item(&self, digit: &Digit, output: &Answer, sure: bool) {
        let Some(item) = self.element("li") else {
            return;
        };
        let v = output.verdict();
        item.set_attribute("data-digit", &v.digit.to_string()).ok();
        item.set_attribute("data-confidence", &format!("{:.4}", v.confidence))
            .ok();
        item.set_attribute("data-sure", bool_str(sure)).ok();
        if let Some(canvas) = self
            .element("canvas")
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        {
            canvas.set_width(IMAGE_SIDE as u32);
            canvas.set_height(IMAGE_SIDE as u32);
            name_image(&canvas, "the digit as the network sees it");
            if let Ok(ctx) = context_2d(&canvas) {
                paint_input(&ctx, Some(&digit.input));
            }
            item.append_child(&canvas).ok();
        }
        let text = if sure {
            format!("{} · {}", v.digit, percent(v.confidence, 0))
        } else {
            v.doubt()
        };
        if let Some(label) = self.element("span") {
            label.set_text_content(Some(&text));
            item.append_child(&label).ok();
        }
        self.list.append_child(&item).ok();
    }

    /// A box around `digit` on the pad, placed in shares of the pad so that it follows its
    /// size. An image is shown fitted and centred in the square pad, and so are its boxes.
    fn add_box(&self, digit: &Digit, (width, height): (usize, usize), sure: bool) {
        let Some(element) = self.element("div") else {
            return;
        };
        let Ok(element) = element.dyn_into::<HtmlElement>() else {
            return;
        };
        let side = width.max(height).max(1) as f64;
        let b = digit.bounds;
        let left = ((side - width as f64) / 2.0 + b.x as f64) / side;
        let top = ((side - height as f64) / 2.0 + b.y as f64) / side;
        element.set_class_name("box");
        element.set_attribute("data-sure", bool_str(sure)).ok();
        let style = element.style();
        for (property, share) in [
            ("left", left),
            ("top", top),
            ("width", b.width as f64 / side),
            ("height", b.height as f64 / side),
        ] {
            style
                .set_property(property, &format!("{:.3}%", 100.0 * share))
                .ok();
        }
        self.boxes.append_child(&element).ok();
    }

    fn element(&self, tag: &str) -> Option<Element> {
        self.document.create_element(tag).ok()
    }
}

fn bool_str(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}
