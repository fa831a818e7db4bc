//! Giving the browser's event loop a turn during long work on the page's thread (the report
//! card, adapting), so that drawing, answers and stop buttons go on meanwhile.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Resolves on the next turn of the event loop.
pub async fn pause() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            window
                .set_timeout_with_callback(resolve.unchecked_ref())
                .ok();
        }
    });
    JsFuture::from(promise).await.ok();
}

/// Milliseconds since the page started.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
