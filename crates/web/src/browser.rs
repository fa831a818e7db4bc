//! Small helpers over the browser's APIs, for the page and the engine worker alike: fetching
//! same-origin bytes, readable JavaScript errors, performance marks, message objects.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The weights file at `url`, or a message saying why it could not be had.
pub async fn fetch_weights(url: &str) -> Result<Vec<u8>, String> {
    let bytes = fetch_bytes(url)
        .await
        .map_err(|detail| format!("Could not load the model weights ({url}): {detail}."))?;
    mark("weights fetched");
    Ok(bytes)
}

/// The bytes at `url` (same origin), or why not (a network error, an HTTP status).
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| js_error(&e))?
        .dyn_into()
        .map_err(|_| "not an HTTP response".to_string())?;
    if !response.ok() {
        return Err(format!(
            "HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| js_error(&e))?)
        .await
        .map_err(|e| js_error(&e))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A `performance.mark` for the page benchmark's account of start-up (the page's only: a
/// worker's marks are on a timeline of its own).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        performance.mark(name).ok();
    }
}

/// A readable message for a JavaScript exception.
pub fn js_error(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// A plain object with these fields: a message to or from a worker.
pub fn object(fields: &[(&str, JsValue)]) -> js_sys::Object {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        js_sys::Reflect::set(&object, &(*key).into(), value).ok();
    }
    object
}

/// The global's `navigator.gpu` exists: in a window or a worker.
pub fn offers_webgpu() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|navigator| js_sys::Reflect::get(&navigator, &"gpu".into()))
        .is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}
