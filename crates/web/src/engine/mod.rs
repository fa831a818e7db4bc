//! The model in the browser: the shared `Cnn` on Burn's CPU backend (flex) or on its wgpu
//! backend (WebGPU), from the trainer's weights file. An engine computes either on this
//! thread or in the engine worker (`worker_client` on the page, `worker` inside it), behind the
//! same methods. `preference` and `timing` decide which of the two engines answers.

pub mod preference;
pub mod readout;
pub mod timing;
pub mod worker;
pub mod worker_client;

use std::cell::RefCell;
use std::rc::Rc;

use burn::tensor::{Device, Tensor};
use mnist_model::IMAGE_PIXELS;
use mnist_model::network::images_tensor;
use mnist_model::readback::floats;
pub use mnist_model::recogniser::Answer;
use mnist_model::recogniser::Recogniser;
use mnist_model::weights::WeightsInfo;

pub use mnist_browser::Backend;
pub use readout::{LayerMaps, Readout};
use worker_client::{EngineWorker, Loaded};

use crate::browser::{mark, offers_webgpu};

/// Where an engine computes.
enum Place {
    /// On this thread, on `device`.
    Here {
        recogniser: Box<Recogniser>,
        device: Device,
    },
    /// In the engine worker, as its engine `id`.
    Worker { worker: Rc<EngineWorker>, id: u32 },
}

/// The loaded network.
pub struct Engine {
    place: Place,
    pub backend: Backend,
    /// What the weights file says about itself (precision, date, checksum).
    pub info: WeightsInfo,
    /// A novelty score above this is unlike any digit (infinite without statistics).
    novelty_limit: f32,
}

/// Where engines are loaded: the engine worker, or the page's own thread when the worker
/// cannot run.
#[derive(Clone)]
pub enum Host {
    Page,
    Worker(Rc<EngineWorker>),
}

impl Host {
    /// The weights file made into an engine of kind `backend`, warmed up.
    pub async fn load(&self, weights: &[u8], backend: Backend) -> Result<Engine, String> {
        match self {
            Host::Page => Engine::load_here(weights, backend).await,
            Host::Worker(worker) => {
                let loaded = worker.load(weights, backend).await?;
                Ok(Engine::in_worker(worker.clone(), loaded, backend))
            }
        }
    }
}

thread_local! {
    /// This thread's WebGPU device, once had: a page or a worker gets only one.
    static WEBGPU: RefCell<Option<Device>> = const { RefCell::new(None) };
}

/// This thread's WebGPU device, or why there is none.
async fn webgpu() -> Result<Device, String> {
    if let Some(device) = WEBGPU.with(|d| d.borrow().clone()) {
        return Ok(device);
    }
    if !offers_webgpu() {
        return Err("this browser does not offer WebGPU".into());
    }
    let device = Device::wgpu_options().init_async().await.map_err(|e| {
        web_sys::console::warn_1(&format!("WebGPU: {e}").into());
        "no usable WebGPU adapter".to_string()
    })?;
    mark("webgpu device");
    WEBGPU.with(|d| *d.borrow_mut() = Some(device.clone()));
    Ok(device)
}

impl Engine {
    /// Puts the weights file on this thread's device of kind `backend` and runs the model
    /// once, so that the first real answer does not pay for shader compilation or first
    /// allocations.
    pub async fn load_here(weights: &[u8], backend: Backend) -> Result<Engine, String> {
        let device = match backend {
            Backend::Cpu => Device::flex(),
            Backend::WebGpu => webgpu().await?,
        };
        let recogniser = Recogniser::load(weights, &device).map_err(|e| e.to_string())?;
        mark(&format!("{} model", backend.id()));
        let engine = Engine {
            novelty_limit: recogniser.novelty_limit(),
            info: recogniser.info.clone(),
            place: Place::Here {
                recogniser: Box::new(recogniser),
                device,
            },
            backend,
        };
        engine.classify(&[0.0; IMAGE_PIXELS]).await?;
        mark(&format!("{} warm", backend.id()));
        Ok(engine)
    }

    /// The engine `loaded` in `worker`.
    fn in_worker(worker: Rc<EngineWorker>, loaded: Loaded, backend: Backend) -> Self {
        Engine {
            place: Place::Worker {
                worker,
                id: loaded.id,
            },
            backend,
            novelty_limit: loaded.novelty_limit,
            info: loaded.info,
        }
    }

    /// A novelty score above this is unlike any digit (infinite without statistics).
    pub fn novelty_limit(&self) -> f32 {
        self.novelty_limit
    }

    /// Where engines like this one are loaded.
    pub fn host(&self) -> Host {
        match &self.place {
            Place::Here { .. } => Host::Page,
            Place::Worker { worker, .. } => Host::Worker(worker.clone()),
        }
    }

    /// Whether it computed in an engine worker that has since stopped: its errors are the
    /// worker's, not its device's.
    pub fn lost_its_worker(&self) -> bool {
        matches!(&self.place, Place::Worker { worker, .. } if worker.has_stopped())
    }

    /// Logits and probabilities for one preprocessed image, read back asynchronously.
    pub async fn classify(&self, input: &[f32; IMAGE_PIXELS]) -> Result<Answer, String> {
        let mut outputs = self.classify_all(&[*input]).await?;
        outputs
            .pop()
            .ok_or_else(|| "no answer came back".to_string())
    }

    /// Logits and probabilities for each of `inputs`, in one forward pass and one read-back.
    pub async fn classify_all(
        &self,
        inputs: &[[f32; IMAGE_PIXELS]],
    ) -> Result<Vec<Answer>, String> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.answers(&self.forward(inputs, false).await?.values))
    }

    /// [`Self::classify_all`], and what every layer made of the first input, from the same
    /// forward pass, read back at once: for the "look inside" panel.
    pub async fn classify_all_with_layers(
        &self,
        inputs: &[[f32; IMAGE_PIXELS]],
    ) -> Result<(Vec<Answer>, LayerMaps), String> {
        if inputs.is_empty() {
            return Err("nothing to look inside".into());
        }
        let readout = self.forward(inputs, true).await?;
        let mut rest = readout.values.as_slice();
        let mut parts = readout.lengths.iter().map(|&n| {
            let (head, tail) = rest.split_at(n.min(rest.len()));
            rest = tail;
            head.to_vec()
        });
        let mut next = || parts.next().unwrap_or_default();
        let answers = self.answers(&next());
        let maps = LayerMaps {
            conv1: next(),
            pool1: next(),
            conv2: next(),
            pool2: next(),
            dense: next(),
        };
        Ok((answers, maps))
    }

    /// The first convolution's 32 kernels, 5×5 each, row by row.
    pub async fn conv1_kernels(&self) -> Result<Vec<f32>, String> {
        match &self.place {
            Place::Here { recogniser, .. } => floats(recogniser.model.conv1_kernels()).await,
            Place::Worker { worker, id } => worker.kernels(*id).await,
        }
    }

    /// One forward pass over `inputs`, read back: the answers, and the first input's layers
    /// if `layers`.
    pub async fn forward(
        &self,
        inputs: &[[f32; IMAGE_PIXELS]],
        layers: bool,
    ) -> Result<Readout, String> {
        let (recogniser, device) = match &self.place {
            Place::Here { recogniser, device } => (recogniser, device),
            Place::Worker { worker, id } => return worker.forward(*id, inputs, layers).await,
        };
        let (model, images) = (&recogniser.model, images_tensor(inputs, device));
        let answers = |dense| recogniser.answers(dense).flatten::<1>(0, 1);
        if !layers {
            let values = floats(answers(model.dense(images))).await?;
            return Ok(Readout {
                lengths: vec![values.len()],
                values,
            });
        }
        let layers = model.forward_layers(images);
        let maps = |t: Tensor<4>| t.narrow(0, 0, 1).flatten::<1>(0, 3);
        let parts = vec![
            answers(layers.dense.clone()),
            maps(layers.conv1),
            maps(layers.pool1),
            maps(layers.conv2),
            maps(layers.pool2),
            layers.dense.narrow(0, 0, 1).flatten::<1>(0, 1),
        ];
        let lengths = parts.iter().map(|t| t.dims()[0]).collect();
        let values = floats(Tensor::cat(parts, 0)).await?;
        Ok(Readout { values, lengths })
    }

    /// The answers read back from a forward pass.
    fn answers(&self, values: &[f32]) -> Vec<Answer> {
        Answer::rows(values, self.novelty_limit)
    }
}

impl Drop for Engine {
    /// An engine in the worker is freed there too.
    fn drop(&mut self) {
        if let Place::Worker { worker, id } = &self.place {
            worker.release(*id);
        }
    }
}
