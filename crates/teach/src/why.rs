//! "Why this answer?" by gradient: the page's current weights on the page's kind of device,
//! kept between requests, and each request's input differentiated for its answer.

use std::cell::RefCell;

use burn::tensor::Device;
use mnist_model::{Cnn, IMAGE_PIXELS, saliency, weights};
use wasm_bindgen::{JsCast, JsValue};

use crate::job::{device, message, read};

thread_local! {
    /// The weights the page answers with, on the device of the last request.
    static MODEL: RefCell<Option<(Cnn, &'static str)>> = const { RefCell::new(None) };
}

/// Answers `{ kind: "why", id, input: Float32Array(784), digit, backend, weights? }` (the
/// weights file comes whenever the page's weights changed) with `{ kind: "why", id, scores }`.
pub async fn run(data: &JsValue) -> Result<JsValue, String> {
    let get = |key: &str| js_sys::Reflect::get(data, &key.into()).ok();
    let id = get("id")
        .and_then(|v| v.as_f64())
        .ok_or("the request has no id")?;
    let digit = get("digit")
        .and_then(|v| v.as_f64())
        .ok_or("the request has no digit")?;
    let input: [f32; IMAGE_PIXELS] = get("input")
        .and_then(|v| v.dyn_into::<js_sys::Float32Array>().ok())
        .map(|a| a.to_vec())
        .and_then(|v| v.try_into().ok())
        .ok_or("the request's input is not 784 values")?;
    let webgpu = get("backend").and_then(|v| v.as_string()).as_deref() == Some("webgpu");
    let (device, backend) = device(webgpu).await;
    let weights = get("weights").and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok());
    let stale = MODEL.with(|m| m.borrow().as_ref().is_none_or(|(_, b)| *b != backend));
    if let Some(weights) = weights {
        load(&weights.to_vec(), &device, backend)?;
    } else if stale {
        return Err("the worker has no weights for this device".into());
    }
    let scores = MODEL.with(|m| {
        let model = m.borrow();
        let (model, _) = model.as_ref().expect("loaded above");
        saliency::gradient(model, &input, digit as usize, &device)
    });
    let scores = read(scores).await?;
    Ok(message(&[
        ("kind", "why".into()),
        ("id", id.into()),
        (
            "scores",
            js_sys::Float32Array::from(scores.as_slice()).into(),
        ),
    ]))
}

fn load(bytes: &[u8], device: &Device, backend: &'static str) -> Result<(), String> {
    let (model, _) = weights::decode(bytes, device).map_err(|e| e.to_string())?;
    MODEL.with(|m| *m.borrow_mut() = Some((model, backend)));
    Ok(())
}
