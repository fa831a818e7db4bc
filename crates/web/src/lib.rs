//! The browser app: a drawing pad whose strokes go through the shared preprocessing into the
//! shared `Cnn`. The network runs in the engine worker (this same wasm, started again off the
//! page's thread), on Burn's CPU backend as soon as the weights are in and on Burn's wgpu
//! backend (WebGPU) once that has compiled its shaders; on the page's thread where the worker
//! cannot run.
//!
//! `startup` builds the page and its engines, `app` owns the state, `events` turns input into
//! changes, `recognise` keeps the answer up to date, `view` writes it to the page;
//! `engine_worker` and `worker_main` are the two sides of the engine worker.

mod app;
mod backend;
mod browser;
mod dom;
mod engine;
mod engine_choice;
mod engine_worker;
mod event_loop;
mod events;
mod examples;
mod layers_view;
mod number_view;
mod pad;
mod personal;
mod photo;
mod readout;
mod recognise;
mod report;
mod report_view;
mod startup;
mod teach_events;
mod teach_view;
mod teach_worker;
mod teaching;
mod test_set;
mod view;
mod why_gradient;
mod why_view;
mod worker_main;

use mnist_model::IMAGE_PIXELS;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;

#[wasm_bindgen(start)]
pub fn main() {
    mnist_browser::run_constructors();
    console_error_panic_hook::set_once();
    // In the engine worker the same wasm starts without a page: `worker_main` listens there.
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
        app::current_engine().ok_or_else(|| JsValue::from_str("the model is not ready"))?;
    let output = engine
        .classify(&input)
        .await
        .map_err(|e| JsValue::from_str(&e))?;
    Ok(output.logits.to_vec())
}
