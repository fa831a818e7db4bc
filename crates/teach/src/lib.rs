//! The page's teaching worker: a Web Worker holding its own copy of the shared Burn model that
//! fine-tunes it on the user's examples (`mnist_model::adapt`) and hands back a weights file.
//! A separate wasm, fetched only when the user first adapts, because Burn's autodiff and
//! optimisers would otherwise weigh on every visit; a worker, so that drawing never waits.
//!
//! It also computes "Why this answer?" by gradient (`mnist_model::saliency::gradient`), which
//! needs the same autodiff.
//!
//! Its messages are `mnist_browser::messages::{TeachRequest, TeachReply}`.

mod job;
mod why;

use mnist_browser::messages::{TeachReply, TeachRequest, decode, encode};
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
        spawn_local(handle(event.data()));
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    onmessage.forget();
    post(&TeachReply::Ready);
}

/// Answers one request from the page.
async fn handle(data: JsValue) {
    let reply = match decode::<TeachRequest>(data) {
        Err(message) => TeachReply::Unreadable { message },
        Ok(TeachRequest::Why {
            id,
            input,
            digit,
            backend,
            weights,
        }) => match why::run(&input, digit, backend, weights).await {
            Ok(scores) => TeachReply::Why { id, scores },
            Err(message) => TeachReply::WhyFailed { id, message },
        },
        Ok(TeachRequest::Adapt {
            job,
            weights,
            examples,
            backend,
        }) => {
            let done = match job::Request::new(job, weights, &examples, backend) {
                Ok(request) => job::run(request, post).await,
                Err(message) => Err(message),
            };
            done.unwrap_or_else(|message| TeachReply::Failed { job, message })
        }
    };
    post(&reply);
}

/// Sends a message to the page.
fn post(reply: &TeachReply) {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    match encode(reply) {
        Ok(message) => {
            scope.post_message(&message).ok();
        }
        Err(message) => web_sys::console::error_1(&message.into()),
    }
}
