//! The page's teaching worker: a Web Worker holding its own copy of the shared Burn model that
//! fine-tunes it on the user's examples (`mnist_model::adapt`) and hands back a weights file.
//! A separate wasm, fetched only when the user first adapts, because Burn's autodiff and
//! optimisers would otherwise weigh on every visit; a worker, so that drawing never waits.
//!
//! It also computes "Why this answer?" by gradient (`mnist_model::saliency::gradient`), which
//! needs the same autodiff.
//!
//! Messages in: `{ weights: Uint8Array, examples: Uint8Array, backend: "webgpu" | "cpu" }`
//! (the shipped weights file, the examples as `mnist_model::personal` bytes, where the page
//! answers), or `{ kind: "why", … }` (see `why`). Messages out: `{ kind: "ready" }` once
//! listening; `{ kind: "progress", step, steps, loss, backend }`, then `{ kind: "done",
//! weights: Uint8Array, ms, backend }` or `{ kind: "error", message }`; `{ kind: "why", id,
//! scores }` or `{ kind: "why-error", id, message }`.

mod job;
mod why;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

#[wasm_bindgen(start)]
pub fn main() {
    mnist_browser::run_constructors();
    console_error_panic_hook::set_once();
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        spawn_local(async move {
            let data = event.data();
            let kind = js_sys::Reflect::get(&data, &"kind".into())
                .ok()
                .and_then(|k| k.as_string());
            if kind.as_deref() == Some("why") {
                let reply = why::run(&data).await.unwrap_or_else(|message| {
                    let id = js_sys::Reflect::get(&data, &"id".into()).unwrap_or(JsValue::NULL);
                    mnist_browser::object(&[
                        ("kind", "why-error".into()),
                        ("id", id),
                        ("message", message.into()),
                    ])
                    .into()
                });
                return post(&reply);
            }
            let reply = match job::Request::from_message(&data) {
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
