//! The model in the browser: the shared `Cnn` on Burn's wgpu backend (WebGPU), or on Burn's
//! CPU backend when the browser offers no WebGPU adapter, with the trainer's weights file
//! fetched at start-up.

use burn::tensor::{Device, Tensor};
use mnist_model::{Cnn, IMAGE_PIXELS, NUM_CLASSES, weights};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where inference runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    WebGpu,
    Cpu,
}

impl Backend {
    /// The value of `body[data-backend]`.
    pub fn id(self) -> &'static str {
        match self {
            Backend::WebGpu => "webgpu",
            Backend::Cpu => "cpu",
        }
    }
}

/// One answer: raw logits and softmax probabilities.
#[derive(Debug, Clone)]
pub struct Output {
    pub logits: [f32; NUM_CLASSES],
    pub probabilities: [f32; NUM_CLASSES],
}

impl Output {
    pub fn digit(&self) -> usize {
        (0..NUM_CLASSES)
            .max_by(|&a, &b| self.probabilities[a].total_cmp(&self.probabilities[b]))
            .unwrap_or(0)
    }
}

/// The loaded network on its device.
pub struct Engine {
    model: Cnn,
    device: Device,
    pub backend: Backend,
    /// Why WebGPU is not used, when it is not.
    pub fallback_reason: Option<String>,
    /// The checked weights file, kept to move to the CPU if the GPU is lost.
    weights: Vec<u8>,
}

impl Engine {
    /// Picks the backend, fetches and checks the weights, and warms the model up once so the
    /// first real answer does not pay for shader compilation.
    pub async fn start(weights_url: &str) -> Result<Engine, String> {
        let (device, backend, fallback_reason) = match webgpu().await {
            Ok(device) => (device, Backend::WebGpu, None),
            Err(reason) => (Device::flex(), Backend::Cpu, Some(reason)),
        };
        let bytes = fetch_bytes(weights_url).await?;
        let (model, _) = weights::decode(&bytes, &device)
            .map_err(|e| format!("The model weights ({weights_url}) cannot be used: {e}."))?;
        let engine = Engine {
            model,
            device,
            backend,
            fallback_reason,
            weights: bytes,
        };
        engine.classify(&[0.0; IMAGE_PIXELS]).await?;
        Ok(engine)
    }

    /// Where the answers come from, as the page says it.
    pub fn label(&self) -> String {
        match (&self.backend, &self.fallback_reason) {
            (Backend::WebGpu, _) => "WebGPU".to_string(),
            (Backend::Cpu, Some(reason)) => format!("CPU ({reason})"),
            (Backend::Cpu, None) => "CPU".to_string(),
        }
    }

    /// The same model on Burn's CPU backend, for when the GPU stops working.
    pub fn on_cpu(&self, reason: String) -> Result<Engine, String> {
        let device = Device::flex();
        let (model, _) = weights::decode(&self.weights, &device).map_err(|e| e.to_string())?;
        Ok(Engine {
            model,
            device,
            backend: Backend::Cpu,
            fallback_reason: Some(reason),
            weights: self.weights.clone(),
        })
    }

    /// Logits and probabilities for one preprocessed image, read back asynchronously.
    pub async fn classify(&self, input: &[f32; IMAGE_PIXELS]) -> Result<Output, String> {
        let (logits, probabilities) = self.model.classify(&[*input], &self.device);
        // One read-back for both.
        let both = Tensor::cat(vec![logits, probabilities], 1)
            .into_data_async()
            .await
            .map_err(|e| format!("reading the answer back failed: {e:?}"))?;
        let values = both
            .try_to_vec::<f32>()
            .map_err(|e| format!("unexpected answer: {e:?}"))?;
        let mut output = Output {
            logits: [0.0; NUM_CLASSES],
            probabilities: [0.0; NUM_CLASSES],
        };
        output.logits.copy_from_slice(&values[..NUM_CLASSES]);
        output.probabilities.copy_from_slice(&values[NUM_CLASSES..]);
        Ok(output)
    }
}

/// A WebGPU device, or why there is none.
async fn webgpu() -> Result<Device, String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let gpu =
        js_sys::Reflect::get(&navigator, &JsValue::from_str("gpu")).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser does not offer WebGPU".into());
    }
    Device::wgpu_options()
        .init_async()
        .await
        .map_err(|e| format!("no usable WebGPU adapter ({e})"))
}

/// The body of `url`, or a message saying why it could not be had.
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let failed = |detail: String| format!("Could not load the model weights ({url}): {detail}.");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| failed(js_error(&e)))?
        .dyn_into()
        .map_err(|_| failed("not an HTTP response".into()))?;
    if !response.ok() {
        return Err(failed(format!(
            "HTTP {} {}",
            response.status(),
            response.status_text()
        )));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| failed(js_error(&e)))?)
        .await
        .map_err(|e| failed(js_error(&e)))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A readable message for a JavaScript exception.
pub fn js_error(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
