//! Small pictures of values on a canvas, pixel for pixel (the layers' maps, the filters): a
//! greyscale and a diverging colour scale, and a throw-away canvas to scale them up sharply.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::dom::context_2d;

/// A throw-away canvas of the given size, for scaling small images up sharply.
pub fn scratch(width: u32, height: u32) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let document = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context = context_2d(&canvas).ok()?;
    Some((canvas, context))
}

/// Paints `values` (row by row, `width` a row) on a canvas of their size through `colour`.
pub fn paint(
    context: &CanvasRenderingContext2d,
    values: &[f32],
    width: usize,
    colour: impl Fn(f32) -> [u8; 3],
) {
    let mut rgba = Vec::with_capacity(values.len() * 4);
    for &v in values {
        let [r, g, b] = colour(v);
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    let height = values.len() / width.max(1);
    if let Ok(image) =
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), width as u32, height as u32)
    {
        context.put_image_data(&image, 0.0, 0.0).ok();
    }
}

/// 0..1 as black to white, as the network's input is shown.
pub fn grey(v: f32) -> [u8; 3] {
    let g = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    [g, g, g]
}

/// −1..1 as blue through black to red.
pub fn diverging(v: f32) -> [u8; 3] {
    let v = v.clamp(-1.0, 1.0);
    let strength = (v.abs() * 255.0).round() as u8;
    if v >= 0.0 {
        [strength, strength / 4, 0]
    } else {
        [0, strength / 2, strength]
    }
}
