//! "Why this answer?" by gradient: the page's current weights file, kept between requests and
//! loaded on the device of the page's engine (again when that changes), and each request's
//! input differentiated for its answer.

use std::cell::RefCell;

use mnist_browser::object;
use mnist_model::{Cnn, IMAGE_PIXELS, saliency, weights};
use wasm_bindgen::{JsCast, JsValue};

use crate::job::{device, read};

/// The weights file the page answers with, and the network from it on the last request's
/// device.
struct Current {
    file: Vec<u8>,
    model: Option<(Cnn, &'static str)>,
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
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
    if let Some(weights) = get("weights").and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok()) {
        let file = weights.to_vec();
        CURRENT.with(|c| *c.borrow_mut() = Some(Current { file, model: None }));
    }
    let scores = CURRENT.with(|c| {
        let mut current = c.borrow_mut();
        let current = current.as_mut().ok_or("the worker has no weights yet")?;
        // The page moved to another engine since: the same weights on its device.
        if current.model.as_ref().is_none_or(|(_, b)| *b != backend) {
            let (model, _) = weights::decode(&current.file, &device).map_err(|e| e.to_string())?;
            current.model = Some((model, backend));
        }
        let (model, _) = current.model.as_ref().expect("loaded above");
        Ok::<_, String>(saliency::gradient(model, &input, digit as usize, &device))
    })?;
    let scores = read(scores).await?;
    Ok(object(&[
        ("kind", "why".into()),
        ("id", id.into()),
        (
            "scores",
            js_sys::Float32Array::from(scores.as_slice()).into(),
        ),
    ])
    .into())
}
