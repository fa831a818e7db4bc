//! A worker's two doors to the page that started it: its messages in, each handled in a task of
//! its own, and its replies out, as `messages` makes them. Both wasm workers (the engine
//! worker and the teaching worker) use them.

use std::future::Future;

use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::messages::encode;

/// Calls `handle` with every message the page sends, in a task of its own, for as long as the
/// worker lives; does nothing outside a worker.
pub fn listen_to_page<F: Future<Output = ()> + 'static>(handle: fn(JsValue) -> F) {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        spawn_local(handle(event.data()));
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    onmessage.forget();
}

/// Sends `message` to the page; one that cannot be made is logged.
pub fn post_to_page(message: &impl Serialize) {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    match encode(message) {
        Ok(message) => {
            scope.post_message(&message).ok();
        }
        Err(why) => web_sys::console::error_1(&why.into()),
    }
}
