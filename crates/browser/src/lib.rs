//! The browser's APIs as the page and its workers use them, in one place for both wasm crates
//! (`mnist-web`, which runs in the page and again as its engine worker, and `mnist-teach`, the
//! teaching worker): fetching same-origin bytes, reading a response's body, waiting a turn of the event loop ([`next_turn`], [`sleep`]), readable
//! JavaScript errors, the messages between the page and its workers ([`messages`]) and a
//! worker's ends of them ([`listen_to_page`], [`post_to_page`]), and the start-up every wasm
//! module holding Burn needs ([`run_constructors`]).

mod backend;
mod constructors;
pub mod messages;
mod worker_scope;

pub use backend::Backend;
pub use constructors::run_constructors;
pub use worker_scope::{listen_to_page, post_to_page};

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`: the window's in a page, the worker scope's in a worker, so one
    /// function serves both.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str) -> js_sys::Promise;

    /// The global `setTimeout`, the window's or the worker scope's.
    #[wasm_bindgen(js_name = setTimeout)]
    fn global_set_timeout(handler: &js_sys::Function, ms: i32) -> JsValue;
}

/// Resolves on the next turn of the event loop, so that the messages and events waiting
/// meanwhile are handled first. A message to itself rather than a timer: browsers hold a
/// hidden tab's timers back to one a second or less, which would stall long work there (the
/// report card, training) for no one's benefit.
pub async fn next_turn() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Ok(channel) = web_sys::MessageChannel::new() else {
            global_set_timeout(&resolve, 0);
            return;
        };
        channel.port1().set_onmessage(Some(&resolve));
        channel.port2().post_message(&JsValue::UNDEFINED).ok();
    });
    JsFuture::from(promise).await.ok();
}

/// Resolves after `ms` milliseconds, on a later turn of the event loop.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        global_set_timeout(&resolve, ms);
    });
    JsFuture::from(promise).await.ok();
}

/// The bytes at `url` (same origin), or why not (a network error, an HTTP status).
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response: Response = JsFuture::from(global_fetch(url))
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
    response_bytes(&response).await
}

/// A response's whole body.
pub async fn response_bytes(response: &Response) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| js_error(&e))?)
        .await
        .map_err(|e| js_error(&e))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
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
