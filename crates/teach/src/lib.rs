//! The page's teaching worker: a Web Worker holding its own copy of the shared Burn model that
//! fine-tunes it on the user's examples (`mnist_model::adapt`) and hands back a weights file.
//! A separate wasm, fetched only when the user first adapts, because Burn's autodiff and
//! optimisers would otherwise weigh on every visit; a worker, so that drawing never waits.
//!
//! Messages in: `{ weights: Uint8Array, examples: Uint8Array, backend: "webgpu" | "cpu" }`
//! (the shipped weights file, the examples as `mnist_model::personal` bytes, where the page
//! answers). Messages out: `{ kind: "progress", step, steps, loss, backend }`, then
//! `{ kind: "done", weights: Uint8Array, ms, backend }` or `{ kind: "error", message }`.

mod job;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

#[wasm_bindgen(start)]
pub fn main() {
    console_error_panic_hook::set_once();
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        spawn_local(async move {
            let reply = match job::Request::from_message(&event.data()) {
                Ok(request) => job::run(request, post).await,
                Err(message) => Err(message),
            };
            match reply {
                Ok(done) => post(&done),
                Err(message) => post(&job::error(&message)),
            }
        });
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    onmessage.forget();
    post(&job::ready());
}

/// Sends a message to the page.
fn post(message: &JsValue) {
    if let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() {
        scope.post_message(message).ok();
    }
}
