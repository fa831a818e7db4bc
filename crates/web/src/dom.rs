//! The small helpers every part of the page uses to reach the DOM: elements by id, a canvas's
//! 2D context, a model input painted, a share as a percentage, event listeners, one tab stop
//! for a grid, names for canvases. A leaf: it knows nothing of the app.

use mnist_model::{IMAGE_PIXELS, IMAGE_SIDE};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{
    CanvasRenderingContext2d, Document, Element, Event, EventTarget, HtmlCanvasElement,
    HtmlElement, ImageData, KeyboardEvent,
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

/// Makes the `selector` items of `container` one tab stop: the first (or the last focused)
/// takes Tab, arrow keys, Home and End move between them. Call [`first_tab_stop`] whenever the
/// items are made anew.
pub fn rove(container: &Element, selector: &'static str) {
    let target: EventTarget = container.clone().into();
    listen(
        &target,
        "keydown",
        &selector,
        |selector, e: KeyboardEvent| {
            let Some(container) = e
                .current_target()
                .and_then(|t| t.dyn_into::<Element>().ok())
            else {
                return;
            };
            let Ok(list) = container.query_selector_all(selector) else {
                return;
            };
            let items: Vec<HtmlElement> = (0..list.length())
                .filter_map(|i| list.item(i)?.dyn_into().ok())
                .collect();
            let from = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlElement>().ok())
                .and_then(|t| items.iter().position(|i| *i == t));
            let (Some(from), last) = (from, items.len().saturating_sub(1)) else {
                return;
            };
            let to = match e.key().as_str() {
                "ArrowRight" | "ArrowDown" => (from + 1).min(last),
                "ArrowLeft" | "ArrowUp" => from.saturating_sub(1),
                "Home" => 0,
                "End" => last,
                _ => return,
            };
            e.prevent_default();
            items[from].set_tab_index(-1);
            items[to].set_tab_index(0);
            items[to].focus().ok();
        },
    );
}

/// The first of `container`'s `selector` items takes Tab, the others only arrow keys.
pub fn first_tab_stop(container: &Element, selector: &str) {
    if let Ok(list) = container.query_selector_all(selector) {
        for i in 0..list.length() {
            if let Some(item) = list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
                item.set_tab_index(if i == 0 { 0 } else { -1 });
            }
        }
    }
}

/// Names a canvas for screen readers: an image, described by `label`.
pub fn name_image(canvas: &Element, label: &str) {
    canvas.set_attribute("role", "img").ok();
    canvas.set_attribute("aria-label", label).ok();
}
