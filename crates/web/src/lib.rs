//! The browser app: a drawing pad whose strokes go through the shared preprocessing into the
//! shared `Cnn`. The network runs in the engine worker (this same wasm, started again off the
//! page's thread), on Burn's CPU backend as soon as the weights are in and on Burn's wgpu
//! backend (WebGPU) once that has compiled its shaders; on the page's thread where the worker
//! cannot run.
//!
//! By what the page does: `pad` (drawing, photos), `engine` (the engines, both sides of the
//! engine worker, which one answers), `teach`, `train` (training the network from scratch in
//! a worker), `inside` (layers, "why?"), `report` (the test set run), each with its view;
//! `view` the page's view of the answer; `app` the state and what changes it; `startup` puts it
//! together. `dom`, `paint` and `clock` are small helpers for all.

mod app;
mod browser;
mod clock;
mod dom;
mod engine;
mod inside;
mod pad;
mod paint;
mod report;
mod startup;
mod teach;
mod train;
mod view;

use mnist_model::IMAGE_PIXELS;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

#[wasm_bindgen(start)]
pub fn main() {
    mnist_browser::run_constructors();
    console_error_panic_hook::set_once();
    // In the engine worker the same wasm starts without a page: `engine::worker` listens there.
    if web_sys::window().is_none() {
        return;
    }
    spawn_local(async {
        if let Err(message) = startup::start().await {
            startup::fatal(&message);
        }
    });
}

/// Logits for one 28×28 input (784 floats, white ink on black, 0..1), computed exactly as the
/// page does. Lets tests compare the browser's model with the native one on the same input.
#[wasm_bindgen]
pub async fn classify(input: Vec<f32>) -> Result<Vec<f32>, JsValue> {
    let input: [f32; IMAGE_PIXELS] = input.try_into().map_err(|v: Vec<f32>| {
        JsValue::from_str(&format!("expected {IMAGE_PIXELS} values, got {}", v.len()))
    })?;
    let engine =
        app::state::current_engine().ok_or_else(|| JsValue::from_str("the model is not ready"))?;
    let output = engine
        .classify(&input)
        .await
        .map_err(|e| JsValue::from_str(&e))?;
    Ok(output.logits.to_vec())
}
