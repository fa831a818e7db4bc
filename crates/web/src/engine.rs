//! The model in the browser: the shared `Cnn` on Burn's CPU backend (flex) or on its wgpu
//! backend (WebGPU), from the trainer's weights file fetched at start-up.

use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor};
use mnist_model::calibration::Verdict;
use mnist_model::network::images_tensor;
use mnist_model::weights::WeightsInfo;
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

/// One answer: raw logits and calibrated probabilities.
#[derive(Debug, Clone)]
pub struct Output {
    pub logits: [f32; NUM_CLASSES],
    pub probabilities: [f32; NUM_CLASSES],
}

impl Output {
    /// The best digit, how sure, the runner-up, and whether that is sure enough.
    pub fn verdict(&self) -> Verdict {
        Verdict::of(&self.probabilities)
    }
}

/// The loaded network on its device.
pub struct Engine {
    model: Cnn,
    device: Device,
    /// From the weights file: makes the probabilities honest (see `mnist_model::calibration`).
    temperature: f32,
    pub backend: Backend,
    /// What the weights file says about itself (precision, date, checksum).
    pub info: WeightsInfo,
}

impl Engine {
    /// Puts the weights file on `device` (of kind `backend`) and runs the model once, so that
    /// the first real answer does not pay for shader compilation or first allocations.
    pub async fn load(weights: &[u8], device: Device, backend: Backend) -> Result<Engine, String> {
        let (model, info) = weights::decode(weights, &device).map_err(|e| e.to_string())?;
        mark(&format!("{} model", backend.id()));
        let engine = Engine {
            model,
            device,
            temperature: info.temperature().map_err(|e| e.to_string())?,
            backend,
            info,
        };
        engine.classify(&[0.0; IMAGE_PIXELS]).await?;
        mark(&format!("{} warm", backend.id()));
        Ok(engine)
    }

    /// The device it computes on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Logits and probabilities for one preprocessed image, read back asynchronously.
    pub async fn classify(&self, input: &[f32; IMAGE_PIXELS]) -> Result<Output, String> {
        let mut outputs = self.classify_all(&[*input]).await?;
        outputs
            .pop()
            .ok_or_else(|| "no answer came back".to_string())
    }

    /// Logits and probabilities for each of `inputs`, in one forward pass and one read-back.
    pub async fn classify_all(
        &self,
        inputs: &[[f32; IMAGE_PIXELS]],
    ) -> Result<Vec<Output>, String> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let (logits, probabilities) =
            self.model
                .classify_calibrated(inputs, &self.device, self.temperature);
        let both = Tensor::cat(vec![logits, probabilities], 1);
        Ok(outputs(&read(both.flatten::<1>(0, 1)).await?))
    }

    /// [`Self::classify_all`], and what every layer made of the first input, from the same
    /// forward pass, read back at once: for the "look inside" panel.
    pub async fn classify_all_with_layers(
        &self,
        inputs: &[[f32; IMAGE_PIXELS]],
    ) -> Result<(Vec<Output>, LayerMaps), String> {
        if inputs.is_empty() {
            return Err("nothing to look inside".into());
        }
        let layers = self
            .model
            .forward_layers(images_tensor(inputs, &self.device));
        let probabilities = softmax(layers.logits.clone().div_scalar(self.temperature), 1);
        let answers = Tensor::cat(vec![layers.logits, probabilities], 1).flatten::<1>(0, 1);
        let maps = |t: Tensor<4>| t.narrow(0, 0, 1).flatten::<1>(0, 3);
        let parts = vec![
            answers,
            maps(layers.conv1),
            maps(layers.pool1),
            maps(layers.conv2),
            maps(layers.pool2),
            layers.dense.narrow(0, 0, 1).flatten::<1>(0, 1),
        ];
        let lengths: Vec<usize> = parts.iter().map(|t| t.dims()[0]).collect();
        let values = read(Tensor::cat(parts, 0)).await?;
        let mut rest = values.as_slice();
        let mut take = |n: usize| {
            let (head, tail) = rest.split_at(n);
            rest = tail;
            head.to_vec()
        };
        let answers = outputs(&take(lengths[0]));
        let maps = LayerMaps {
            conv1: take(lengths[1]),
            pool1: take(lengths[2]),
            conv2: take(lengths[3]),
            pool2: take(lengths[4]),
            dense: take(lengths[5]),
        };
        Ok((answers, maps))
    }

    /// The first convolution's 32 kernels, 5×5 each, row by row.
    pub async fn conv1_kernels(&self) -> Result<Vec<f32>, String> {
        read(self.model.conv1_kernels().flatten::<1>(0, 3)).await
    }
}

/// What each layer made of one input, flattened map by map (channels, then rows), after ReLU.
#[derive(Debug, Clone)]
pub struct LayerMaps {
    pub conv1: Vec<f32>,
    pub pool1: Vec<f32>,
    pub conv2: Vec<f32>,
    pub pool2: Vec<f32>,
    pub dense: Vec<f32>,
}

/// A tensor's values, read back asynchronously (a synchronous read panics on WebGPU).
pub async fn read(tensor: Tensor<1>) -> Result<Vec<f32>, String> {
    tensor
        .into_data_async()
        .await
        .map_err(|e| format!("reading the answer back failed: {e:?}"))?
        .try_to_vec::<f32>()
        .map_err(|e| format!("unexpected answer: {e:?}"))
}

/// Rows of ten logits then ten probabilities, as answers.
fn outputs(values: &[f32]) -> Vec<Output> {
    values
        .chunks_exact(2 * NUM_CLASSES)
        .map(|row| Output {
            logits: std::array::from_fn(|d| row[d]),
            probabilities: std::array::from_fn(|d| row[NUM_CLASSES + d]),
        })
        .collect()
}

/// A WebGPU device, or why there is none.
pub async fn webgpu() -> Result<Device, String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let gpu =
        js_sys::Reflect::get(&navigator, &JsValue::from_str("gpu")).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser does not offer WebGPU".into());
    }
    let device = Device::wgpu_options().init_async().await.map_err(|e| {
        web_sys::console::warn_1(&format!("WebGPU: {e}").into());
        "no usable WebGPU adapter".to_string()
    })?;
    mark("webgpu device");
    Ok(device)
}

/// The weights file at `url`, or a message saying why it could not be had.
pub async fn fetch_weights(url: &str) -> Result<Vec<u8>, String> {
    let bytes = fetch_bytes(url)
        .await
        .map_err(|detail| format!("Could not load the model weights ({url}): {detail}."))?;
    mark("weights fetched");
    Ok(bytes)
}

/// The bytes at `url` (same origin), or why not (a network error, an HTTP status).
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| js_error(&e))?
        .dyn_into()
        .map_err(|_| "not an HTTP response".to_string())?;
    if !response.ok() {
        return Err(format!(
            "HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| js_error(&e))?)
        .await
        .map_err(|e| js_error(&e))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A `performance.mark` for the page benchmark's account of start-up.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        performance.mark(name).ok();
    }
}

/// A readable message for a JavaScript exception.
pub fn js_error(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
