//! The drawing pad: strokes kept as points in CSS pixels, rendered sharp at the screen's
//! device-pixel ratio with round caps, so undo and resizing simply redraw them. `photo` reads
//! an opened or dropped image instead.

pub mod photo;

use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

/// Stroke width as a share of the pad's side, for the eye: thin enough to write a number of
/// several digits with gaps between them. The network gets each digit drawn again with a pen in
/// proportion to it (`mnist_model::strokes`).
const STROKE_SHARE: f64 = 0.045;
const PAPER: &str = "#ffffff";
const INK: &str = "#16181d";

pub struct Pad {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    strokes: Vec<Vec<(f64, f64)>>,
    /// An opened image shown instead of strokes, fitted inside the pad.
    photo: Option<ImageBitmap>,
    /// The pointer drawing the current stroke; other pointers (a second finger) are ignored.
    active: Option<i32>,
    /// CSS pixels of the pad's side, and device pixels per CSS pixel.
    side: f64,
    ratio: f64,
}

impl Pad {
    pub fn new(canvas: HtmlCanvasElement, ctx: CanvasRenderingContext2d) -> Self {
        let mut pad = Self {
            canvas,
            ctx,
            strokes: Vec::new(),
            photo: None,
            active: None,
            side: 1.0,
            ratio: 1.0,
        };
        pad.fit_to_screen();
        pad
    }

    pub fn canvas(&self) -> &HtmlCanvasElement {
        &self.canvas
    }

    /// Matches the backing store to the pad's CSS size and the device-pixel ratio; true when
    /// that changed the pixels.
    pub fn fit_to_screen(&mut self) -> bool {
        let window = web_sys::window().expect("window");
        let side = self.canvas.get_bounding_client_rect().width().max(1.0);
        let ratio = window.device_pixel_ratio().clamp(1.0, 4.0);
        let pixels = (side * ratio).round() as u32;
        let resized = pixels != self.canvas.width() || pixels != self.canvas.height();
        if resized {
            self.canvas.set_width(pixels);
            self.canvas.set_height(pixels);
        }
        self.side = side;
        self.ratio = ratio;
        self.redraw();
        resized
    }

    pub fn is_drawing(&self, pointer: i32) -> bool {
        self.active == Some(pointer)
    }

    /// Whether a stroke is in progress (an answer then is not yet the one to announce).
    pub fn in_stroke(&self) -> bool {
        self.active.is_some()
    }

    /// Starts a stroke; false when another pointer is already drawing.
    pub fn begin(&mut self, pointer: i32, at: (f64, f64)) -> bool {
        if self.active.is_some() {
            return false;
        }
        if self.photo.take().is_some() {
            self.redraw();
        }
        self.active = Some(pointer);
        self.strokes.push(vec![at]);
        self.draw_segment(at, at);
        true
    }

    /// Adds points to the current stroke; false when `pointer` is not the one drawing.
    pub fn extend(&mut self, pointer: i32, points: &[(f64, f64)]) -> bool {
        if self.active != Some(pointer) || points.is_empty() {
            return false;
        }
        let mut last = *self
            .strokes
            .last()
            .and_then(|s| s.last())
            .expect("a stroke in progress");
        for &p in points {
            self.draw_segment(last, p);
            last = p;
        }
        self.strokes
            .last_mut()
            .expect("a stroke in progress")
            .extend_from_slice(points);
        true
    }

    /// Ends the current stroke if `pointer` drew it.
    pub fn end(&mut self, pointer: i32) -> bool {
        if self.active == Some(pointer) {
            self.active = None;
            true
        } else {
            false
        }
    }

    /// Removes the last stroke (or the opened image).
    pub fn undo(&mut self) -> bool {
        self.active = None;
        let changed = self.strokes.pop().is_some() || self.photo.take().is_some();
        self.redraw();
        changed
    }

    pub fn clear(&mut self) {
        self.active = None;
        self.strokes.clear();
        self.photo = None;
        self.redraw();
    }

    /// Shows an opened image on the pad, replacing the drawing.
    pub fn show_photo(&mut self, photo: ImageBitmap) {
        self.strokes.clear();
        self.active = None;
        self.photo = Some(photo);
        self.redraw();
    }

    /// The strokes drawn (empty while an image is shown), in CSS pixels of the pad.
    pub fn strokes(&self) -> Vec<mnist_model::Stroke> {
        self.strokes
            .iter()
            .map(|s| s.iter().map(|&(x, y)| (x as f32, y as f32)).collect())
            .collect()
    }

    /// How wide the pen draws, in CSS pixels.
    pub fn pen_width(&self) -> f64 {
        self.side * STROKE_SHARE
    }

    /// The pad's side in CSS pixels.
    pub fn side(&self) -> f64 {
        self.side
    }

    /// A point of an event, in CSS pixels relative to the pad.
    pub fn local(&self, client: (f64, f64)) -> (f64, f64) {
        let rect = self.canvas.get_bounding_client_rect();
        (client.0 - rect.left(), client.1 - rect.top())
    }

    fn redraw(&self) {
        let ctx = &self.ctx;
        ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok();
        ctx.set_fill_style_str(PAPER);
        let pixels = self.canvas.width() as f64;
        ctx.fill_rect(0.0, 0.0, pixels, pixels);
        if let Some(photo) = &self.photo {
            let (w, h) = (photo.width() as f64, photo.height() as f64);
            let scale = (pixels / w).min(pixels / h);
            let (dw, dh) = (w * scale, h * scale);
            ctx.draw_image_with_image_bitmap_and_dw_and_dh(
                photo,
                (pixels - dw) / 2.0,
                (pixels - dh) / 2.0,
                dw,
                dh,
            )
            .ok();
        }
        for stroke in &self.strokes {
            let mut last = stroke[0];
            self.draw_segment(last, last);
            for &p in &stroke[1..] {
                self.draw_segment(last, p);
                last = p;
            }
        }
    }

    /// A round-capped line from `a` to `b` (a dot when they are equal).
    fn draw_segment(&self, a: (f64, f64), b: (f64, f64)) {
        let ctx = &self.ctx;
        let r = self.ratio;
        ctx.set_transform(r, 0.0, 0.0, r, 0.0, 0.0).ok();
        ctx.set_stroke_style_str(INK);
        ctx.set_line_width(self.pen_width());
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
        ctx.begin_path();
        ctx.move_to(a.0, a.1);
        ctx.line_to(b.0 + 1e-3, b.1);
        ctx.stroke();
    }
}
