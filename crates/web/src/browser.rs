//! The page's own helpers over the browser's APIs (those shared with the teaching worker are
//! `mnist_browser`'s): the weights download, performance marks, local storage, WebGPU's presence,
//! the page's query parameters.

use mnist_browser::fetch_bytes;

/// The weights file at `url`, or a message saying why it could not be had.
pub async fn fetch_weights(url: &str) -> Result<Vec<u8>, String> {
    let bytes = fetch_bytes(url)
        .await
        .map_err(|detail| format!("Could not load the model weights ({url}): {detail}."))?;
    mark("weights fetched");
    Ok(bytes)
}

/// A `performance.mark` for the page benchmark's account of start-up (the page's only: a
/// worker's marks are on a timeline of its own).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        performance.mark(name).ok();
    }
}

/// The global's `navigator.gpu` exists: in a window or a worker.
pub fn offers_webgpu() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|navigator| js_sys::Reflect::get(&navigator, &"gpu".into()))
        .is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

/// The value of `?name=` in the page's address (the tests' and scripts' hooks).
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// The page's local storage, where the browser offers it (not in some private modes).
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
