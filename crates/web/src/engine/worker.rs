//! The engine worker's side (see `engine_worker`): the same wasm as the page, started by
//! `web/engine-worker.js`. It loads engines on its own CPU backend or WebGPU device and
//! answers the page's numbered requests, each in its own task.
//!
//! In: `{ kind: "load", id, weights, backend }`, `{ kind: "forward", id, engine, inputs,
//! layers }`, `{ kind: "kernels", id, engine }`, `{ kind: "release", engine }`. Out: `{ kind:
//! "done", id, values?, lengths? }` (a load's one value: the engine's novelty limit) or `{
//! kind: "error", id, message }`; `{ kind: "done", id: 0 }` once listening.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use mnist_model::IMAGE_PIXELS;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::engine::{Backend, Engine, Readout};
use mnist_browser::object;

thread_local! {
    /// The engines the page has loaded here, by the number of the request that loaded them.
    static ENGINES: RefCell<HashMap<u32, Rc<Engine>>> = RefCell::new(HashMap::new());
}

/// Starts listening to the page; called by `web/engine-worker.js` once the wasm is in.
#[wasm_bindgen]
pub fn engine_worker() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        spawn_local(handle(event.data()));
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    onmessage.forget();
    post(&object(&[("kind", "done".into()), ("id", 0.into())]));
}

async fn handle(request: JsValue) {
    let get = |key: &str| js_sys::Reflect::get(&request, &key.into()).unwrap_or_default();
    let id = get("id");
    let engine = get("engine").as_f64().map(|e| e as u32);
    let reply = match get("kind").as_string().as_deref() {
        Some("load") => load(
            id.as_f64().map(|i| i as u32),
            &get("weights"),
            &get("backend"),
        )
        .await
        .map(|limit| Readout {
            values: vec![limit],
            lengths: Vec::new(),
        }),
        Some("forward") => match (engine.and_then(find), inputs(&get("inputs"))) {
            (Some(engine), Ok(inputs)) => engine.forward(&inputs, get("layers").is_truthy()).await,
            (None, _) => Err(unknown()),
            (_, Err(e)) => Err(e),
        },
        Some("kernels") => match engine.and_then(find) {
            Some(engine) => engine.conv1_kernels().await.map(|values| Readout {
                values,
                lengths: Vec::new(),
            }),
            None => Err(unknown()),
        },
        Some("release") => {
            if let Some(engine) = engine {
                ENGINES.with(|e| e.borrow_mut().remove(&engine));
            }
            return;
        }
        _ => Err("the engine worker got a request it does not know".into()),
    };
    let message = match reply {
        Ok(readout) => {
            let lengths: js_sys::Array = readout
                .lengths
                .iter()
                .map(|&n| JsValue::from(n as f64))
                .collect();
            object(&[
                ("kind", "done".into()),
                ("id", id),
                (
                    "values",
                    js_sys::Float32Array::from(readout.values.as_slice()).into(),
                ),
                ("lengths", lengths.into()),
            ])
        }
        Err(message) => object(&[
            ("kind", "error".into()),
            ("id", id),
            ("message", message.into()),
        ]),
    };
    post(&message);
}

/// Loads engine `id`; its novelty limit, which the page needs to read its answers.
async fn load(id: Option<u32>, weights: &JsValue, backend: &JsValue) -> Result<f32, String> {
    let id = id.ok_or("a load needs a number")?;
    let weights = weights
        .dyn_ref::<js_sys::Uint8Array>()
        .ok_or("a load needs a weights file")?
        .to_vec();
    let backend = backend
        .as_string()
        .and_then(|b| Backend::parse(&b))
        .ok_or("a load needs a backend: cpu or webgpu")?;
    let engine = Engine::load_here(&weights, backend).await?;
    let limit = engine.novelty_limit();
    ENGINES.with(|e| e.borrow_mut().insert(id, Rc::new(engine)));
    Ok(limit)
}

fn find(id: u32) -> Option<Rc<Engine>> {
    ENGINES.with(|e| e.borrow().get(&id).cloned())
}

fn unknown() -> String {
    "the engine worker has no such engine".into()
}

/// The 28×28 inputs sent as one flat array.
fn inputs(value: &JsValue) -> Result<Vec<[f32; IMAGE_PIXELS]>, String> {
    let flat = value
        .dyn_ref::<js_sys::Float32Array>()
        .ok_or("a forward pass needs inputs")?
        .to_vec();
    if flat.is_empty() || flat.len() % IMAGE_PIXELS != 0 {
        return Err(format!("{} values are not whole 28×28 inputs", flat.len()));
    }
    Ok(flat
        .chunks_exact(IMAGE_PIXELS)
        .map(|c| c.try_into().expect("chunks of IMAGE_PIXELS"))
        .collect())
}

/// Sends a message to the page.
fn post(message: &JsValue) {
    if let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() {
        scope.post_message(message).ok();
    }
}
