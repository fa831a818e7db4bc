//! One adapting job: the shipped network on the page's kind of device, the user's examples and
//! the replay digits through its frozen layers, then the output layer's optimiser steps,
//! reporting each one; the result is a personal weights file. Also what the worker's other
//! requests share: the device and the clock.

use std::cell::RefCell;

use burn::tensor::{Device, Tensor};
use mnist_browser::messages::TeachReply;
use mnist_browser::{Backend, fetch_bytes};
use mnist_model::adapt::{AdaptConfig, Adapter, variants};
use mnist_model::network::images_tensor;
use mnist_model::personal::{Example, decode_examples, personal_weights};
use mnist_model::readback::floats;
use mnist_model::{Cnn, IMAGE_PIXELS, idx, weights};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use wasm_bindgen::JsCast;
use web_sys::WorkerGlobalScope;

const REPLAY_IMAGES: &str = "replay/replay-images-idx3-ubyte.gz";
const REPLAY_LABELS: &str = "replay/replay-labels-idx1-ubyte.gz";
/// Images per forward pass while reading features (bounds the memory it takes).
const CHUNK: usize = 100;
/// Optimiser steps between two read-backs of the loss (each one reported as progress).
const READ_EVERY: usize = 10;

/// MNIST training digits replayed while adapting, and their features on the last device
/// (the layers below the output are always the shipped ones, so they are read once).
struct Replay {
    inputs: Vec<[f32; IMAGE_PIXELS]>,
    labels: Vec<u8>,
    features: Option<(Backend, Tensor<2>)>,
}

thread_local! {
    static REPLAY: RefCell<Option<Replay>> = const { RefCell::new(None) };
    /// The worker's WebGPU device, once had: a second one cannot be asked for.
    static WEBGPU: RefCell<Option<Device>> = const { RefCell::new(None) };
}

/// What the page asks for: job `job`, the shipped weights file, the user's examples, and
/// whether the page answers on WebGPU.
pub struct Request {
    job: u32,
    weights: Vec<u8>,
    examples: Vec<Example>,
    backend: Backend,
}

impl Request {
    /// The job, with its examples decoded (`mnist_model::personal` bytes).
    pub fn new(
        job: u32,
        weights: Vec<u8>,
        examples: &[u8],
        backend: Backend,
    ) -> Result<Self, String> {
        let examples = decode_examples(examples)
            .filter(|e| !e.is_empty())
            .ok_or("the request's examples are not examples")?;
        Ok(Self {
            job,
            weights,
            examples,
            backend,
        })
    }
}

/// Runs one job, posting progress; the `done` message, or why it failed.
pub async fn run(request: Request, post: fn(&TeachReply)) -> Result<TeachReply, String> {
    let started = now();
    let job = request.job;
    let (device, backend) = device(request.backend).await;
    let (base, info) = weights::decode(&request.weights, &device).map_err(|e| e.to_string())?;
    let config = AdaptConfig::default();
    post(&progress(job, 0, config.steps, None));

    let mut rng = SmallRng::seed_from_u64(now().to_bits());
    let (images, labels) = variants(&request.examples, &config, &device, &mut rng);
    let user = (dense(&base, images), labels);
    let replay = replay_features(&base, &device, backend).await?;
    let mut adapter = Adapter::new(&base, user, replay, config, now().to_bits());
    while !adapter.finished() {
        let loss = adapter.step();
        // Reading back stalls a GPU's queue (on a software adapter, most of the time a step
        // takes), so the loss is read every few steps.
        if !adapter.done().is_multiple_of(READ_EVERY) && !adapter.finished() {
            continue;
        }
        let loss = floats(loss).await.map_err(lost)?[0];
        if !loss.is_finite() {
            return Err(format!(
                "Adapting stopped: the loss became {loss} by step {}. The model is as it was.",
                adapter.done()
            ));
        }
        post(&progress(job, adapter.done(), config.steps, Some(loss)));
    }
    let (weight, bias) = adapter.output();
    let weight = floats(weight).await.map_err(lost)?;
    let bias = floats(bias).await.map_err(lost)?;
    // The file is written from a CPU copy: below the output layer it is the shipped network.
    let cpu_base = if backend == Backend::Cpu {
        base
    } else {
        weights::decode(&request.weights, &Device::flex())
            .map_err(|e| e.to_string())?
            .0
    };
    let file = personal_weights(&cpu_base, &info, weight, bias, request.examples.len())
        .map_err(|e| e.to_string())?;
    Ok(TeachReply::Done {
        job,
        weights: file,
        ms: now() - started,
        backend,
    })
}

/// WebGPU when the page answers on it and this worker can have it, else the CPU.
pub async fn device(wanted: Backend) -> (Device, Backend) {
    if wanted == Backend::Cpu {
        return (Device::flex(), Backend::Cpu);
    }
    if let Some(device) = WEBGPU.with(|d| d.borrow().clone()) {
        return (device, Backend::WebGpu);
    }
    let offered = js_sys::global()
        .dyn_into::<WorkerGlobalScope>()
        .ok()
        .and_then(|scope| js_sys::Reflect::get(&scope.navigator(), &"gpu".into()).ok())
        .is_some_and(|gpu| !gpu.is_undefined() && !gpu.is_null());
    if offered && let Ok(device) = Device::wgpu_options().init_async().await {
        WEBGPU.with(|d| *d.borrow_mut() = Some(device.clone()));
        return (device, Backend::WebGpu);
    }
    (Device::flex(), Backend::Cpu)
}

/// Forgets the WebGPU device, which was lost: the next request asks for a new one.
pub fn forget_webgpu() {
    WEBGPU.with(|d| *d.borrow_mut() = None);
}

/// `base`'s dense features of `images`, a chunk at a time.
fn dense(base: &Cnn, images: Tensor<4>) -> Tensor<2> {
    let total = images.dims()[0];
    let parts = (0..total)
        .step_by(CHUNK)
        .map(|start| base.dense(images.clone().narrow(0, start, CHUNK.min(total - start))))
        .collect();
    Tensor::cat(parts, 0)
}

/// The replay digits' features on `device`, with their labels.
async fn replay_features(
    base: &Cnn,
    device: &Device,
    backend: Backend,
) -> Result<(Tensor<2>, Vec<u8>), String> {
    if REPLAY.with(|r| r.borrow().is_none()) {
        let loaded = load_replay().await?;
        REPLAY.with(|r| *r.borrow_mut() = Some(loaded));
    }
    let (inputs, labels, cached) = REPLAY.with(|r| {
        let r = r.borrow();
        let replay = r.as_ref().expect("loaded above");
        let cached = replay
            .features
            .as_ref()
            .filter(|(b, _)| *b == backend)
            .map(|(_, f)| f.clone());
        (replay.inputs.clone(), replay.labels.clone(), cached)
    });
    let features = match cached {
        Some(features) => features,
        None => {
            let features = dense(base, images_tensor(&inputs, device));
            REPLAY.with(|r| {
                if let Some(replay) = r.borrow_mut().as_mut() {
                    replay.features = Some((backend, features.clone()));
                }
            });
            features
        }
    };
    Ok((features, labels))
}

async fn load_replay() -> Result<Replay, String> {
    let get = |url: &'static str| async move {
        fetch_bytes(url)
            .await
            .map_err(|e| format!("Could not load the replay digits ({url}): {e}."))
    };
    let (images, labels) = idx::labelled(get(REPLAY_IMAGES).await?, get(REPLAY_LABELS).await?)
        .map_err(|p| format!("The replay digits are damaged: {p}."))?;
    if images.count == 0 {
        return Err("The replay digits are damaged: there are none.".into());
    }
    Ok(Replay {
        inputs: (0..images.count).map(|i| images.input(i)).collect(),
        labels,
        features: None,
    })
}

/// A read-back that failed while adapting: the device is gone (a GPU lost).
fn lost(reason: String) -> String {
    format!("The device stopped working while adapting: {reason}. The model is as it was.")
}

fn progress(job: u32, step: usize, steps: usize, loss: Option<f32>) -> TeachReply {
    TeachReply::Progress {
        job,
        step: step as u32,
        steps: steps as u32,
        loss,
    }
}

pub fn now() -> f64 {
    js_sys::global()
        .dyn_into::<WorkerGlobalScope>()
        .ok()
        .and_then(|s| s.performance())
        .map_or(0.0, |p| p.now())
}
