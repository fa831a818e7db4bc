//! The small helpers every part of the page uses to reach the DOM: elements by id, a canvas's
//! 2D context, a model input painted, a share as a percentage, event listeners. A leaf: it
//! knows nothing of the app.

use mnist_model::{IMAGE_PIXELS, IMAGE_SIDE};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{
    CanvasRenderingContext2d, Document, Event, EventTarget, HtmlCanvasElement, ImageData,
};

/// An element of the page by id, or a message naming the missing one.
pub fn by_id<T: JsCast>(document: &Document, id: &str) -> Result<T, String> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| format!("the page has no #{id}"))?
        .dyn_into::<T>()
        .map_err(|_| format!("#{id} is not the expected kind of element"))
}

/// The 2D context of a canvas.
pub fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
    let options = js_sys::Object::new();
    // Canvases whose pixels are read back (an opened image) are best kept in CPU memory.
    js_sys::Reflect::set(&options, &"willReadFrequently".into(), &true.into()).ok();
    canvas
        .get_context_with_context_options("2d", &options)
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| "this browser cannot draw on a canvas".to_string())
}

/// `share` as a percentage with `decimals` decimals, rounded down: no answer of the network is
/// certain, so none reads 100 %.
pub fn percent(share: f32, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let most = 100.0 - 1.0 / scale;
    let value = ((100.0 * f64::from(share) * scale).floor() / scale).min(most);
    format!("{value:.decimals$}%")
}

/// Draws a 28×28 model input (white ink on black) on a 28×28 canvas; black for none.
pub fn paint_input(ctx: &CanvasRenderingContext2d, input: Option<&[f32; IMAGE_PIXELS]>) {
    let mut rgba = vec![0u8; IMAGE_PIXELS * 4];
    for (i, px) in rgba.chunks_exact_mut(4).enumerate() {
        let v = input.map_or(0, |x| (x[i].clamp(0.0, 1.0) * 255.0).round() as u8);
        px.copy_from_slice(&[v, v, v, 255]);
    }
    let side = IMAGE_SIDE as u32;
    if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), side, side) {
        ctx.put_image_data(&image, 0.0, 0.0).ok();
    }
}

/// Calls `f` with `state` and each `kind` event of `target` (of type `E`), for as long as
/// the page lives.
pub fn listen<S: Clone + 'static, E: JsCast + 'static>(
    target: &EventTarget,
    kind: &str,
    state: &S,
    f: fn(&S, E),
) {
    let state = state.clone();
    let closure = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if let Ok(event) = event.dyn_into::<E>() {
            f(&state, event);
        }
    });
    target
        .add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())
        .ok();
    // Listeners live as long as the page.
    closure.forget();
}
