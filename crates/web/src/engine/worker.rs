//! The engine worker's side (see `worker_client`): the same wasm as the page, started by
//! `web/engine-worker.js`. It loads engines on its own CPU backend or WebGPU device and
//! answers the page's numbered requests (`mnist_browser::messages::EngineRequest`), each in
//! its own task.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use mnist_browser::Backend;
use mnist_browser::messages::{EngineReply, EngineRequest, decode};
use mnist_browser::{listen_to_page, post_to_page};
use mnist_model::IMAGE_PIXELS;
use wasm_bindgen::prelude::*;

// Up to the folder's root, on purpose: the worker holds the same `Engine`s the page does.
use crate::engine::{Engine, Readout};

thread_local! {
    /// The engines the page has loaded here, by the number of the request that loaded them.
    static ENGINES: RefCell<HashMap<u32, Rc<Engine>>> = RefCell::new(HashMap::new());
}

/// Starts listening to the page; called by `web/engine-worker.js` once the wasm is in.
#[wasm_bindgen]
pub fn engine_worker() {
    listen_to_page(handle);
    post_to_page(&EngineReply::Listening);
}

async fn handle(data: JsValue) {
    // The number of a request that cannot be read, so that it fails rather than hangs.
    let raw_id = js_sys::Reflect::get(&data, &"id".into())
        .ok()
        .and_then(|id| id.as_f64())
        .map_or(0, |id| id as u32);
    let request = match decode::<EngineRequest>(data) {
        Ok(request) => request,
        Err(message) => {
            return post_to_page(&EngineReply::Error {
                id: raw_id,
                message: format!("the engine worker could not read a request: {message}"),
            });
        }
    };
    let (id, reply) = match request {
        EngineRequest::Load {
            id,
            weights,
            backend,
        } => (id, load(id, &weights, backend).await),
        EngineRequest::Forward {
            id,
            engine,
            inputs,
            layers,
        } => {
            let readout = forward(engine, &inputs, layers).await;
            (
                id,
                readout.map(|r| EngineReply::Values {
                    id,
                    values: r.values,
                    lengths: r.lengths.iter().map(|&n| n as u32).collect(),
                }),
            )
        }
        EngineRequest::Kernels { id, engine } => {
            let kernels = match find(engine) {
                Some(engine) => engine
                    .conv1_kernels()
                    .await
                    .map(|values| EngineReply::Values {
                        id,
                        values,
                        lengths: Vec::new(),
                    }),
                None => Err(unknown()),
            };
            (id, kernels)
        }
        EngineRequest::Release { engine } => {
            ENGINES.with(|e| e.borrow_mut().remove(&engine));
            return;
        }
    };
    post_to_page(&reply.unwrap_or_else(|message| EngineReply::Error { id, message }));
}

/// Loads engine `id`: what its file says about itself and its novelty limit, which the page
/// needs to read its answers.
async fn load(id: u32, weights: &[u8], backend: Backend) -> Result<EngineReply, String> {
    let engine = Engine::load_here(weights, backend).await?;
    let reply = EngineReply::Loaded {
        id,
        metadata: engine.info.metadata.clone(),
        novelty_limit: engine.novelty_limit(),
    };
    ENGINES.with(|e| e.borrow_mut().insert(id, Rc::new(engine)));
    Ok(reply)
}

/// One forward pass of engine `engine` on `flat` inputs.
async fn forward(engine: u32, flat: &[f32], layers: bool) -> Result<Readout, String> {
    let engine = find(engine).ok_or_else(unknown)?;
    if flat.is_empty() || !flat.len().is_multiple_of(IMAGE_PIXELS) {
        return Err(format!("{} values are not whole 28×28 inputs", flat.len()));
    }
    let inputs: Vec<[f32; IMAGE_PIXELS]> = flat
        .chunks_exact(IMAGE_PIXELS)
        .map(|c| c.try_into().expect("chunks of IMAGE_PIXELS"))
        .collect();
    engine.forward(&inputs, layers).await
}

fn find(id: u32) -> Option<Rc<Engine>> {
    ENGINES.with(|e| e.borrow().get(&id).cloned())
}

fn unknown() -> String {
    "the engine worker has no such engine".into()
}
