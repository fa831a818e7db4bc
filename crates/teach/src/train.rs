//! Training the whole network from random weights, in the page ("Train it yourself"): the seed's
//! recipe and training step (`mnist_model::training`), on the page's kind of device, over the
//! first digits of MNIST's 55,000, reporting every step, the first layer's filters every few
//! steps and the 5,000 validation digits after every epoch. The page can pause, resume and
//! stop it; a GPU lost carries on on the CPU, a loss that is no longer finite stops it with the
//! last good weights. The result is a weights file like the shipped one, at full precision.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use burn::module::Module;
use burn::tensor::{Device, Tensor};
use mnist_browser::messages::{Control, TeachReply, TrainRequest, TrainedNetwork};
use mnist_browser::{Backend, fetch_bytes, next_turn, sleep};
use mnist_model::network::images_tensor;
use mnist_model::personal::KEY_TRAINED_IN_PAGE;
use mnist_model::readback::{self, Parameters};
use mnist_model::training::{self, BATCH_SIZE};
use mnist_model::weights::{self, Precision};
use mnist_model::{Cnn, IMAGE_PIXELS, idx};

use crate::job::{device, forget_webgpu, now};

const IMAGES_URL: &str = "train/train-images-idx3-ubyte.gz";
const LABELS_URL: &str = "train/train-labels-idx1-ubyte.gz";
/// The seed keeps the last 5,000 training digits for validation (the trainer's split).
const VALIDATION: usize = 5_000;
/// Steps between two pictures of the first layer's filters.
const FILTERS_EVERY: usize = 5;
/// Steps between two copies of the weights kept off the GPU, to carry on from if it is lost.
const SNAPSHOT_EVERY: usize = 20;
/// Digits per forward pass while validating.
const VALIDATION_CHUNK: usize = 250;

/// MNIST's training digits, as fetched.
struct Digits {
    images: idx::Images,
    labels: Vec<u8>,
}

impl Digits {
    /// How many of them are for training (the rest validate).
    fn training(&self) -> usize {
        self.labels.len() - VALIDATION
    }

    /// Digits `indices` as a batch on `device`, with their labels.
    fn batch(&self, indices: &[usize], device: &Device) -> (Tensor<4>, Vec<i64>) {
        let inputs: Vec<[f32; IMAGE_PIXELS]> =
            indices.iter().map(|&i| self.images.input(i)).collect();
        let labels = indices.iter().map(|&i| i64::from(self.labels[i])).collect();
        (images_tensor(&inputs, device), labels)
    }
}

thread_local! {
    /// The digits, fetched on the first training job of this worker.
    static DIGITS: RefCell<Option<Rc<Digits>>> = const { RefCell::new(None) };
    /// What the page last asked of a job, which job, and how many requests came before it
    /// (a pause asked again after a quick resume is acknowledged again).
    static ASKED: Cell<Option<(u32, Control, u32)>> = const { Cell::new(None) };
}

/// The page pauses, resumes or stops job `job`.
pub fn control(job: u32, action: Control) {
    ASKED.with(|asked| {
        let request = asked.get().map_or(0, |(_, _, n)| n.wrapping_add(1));
        asked.set(Some((job, action, request)));
    });
}

/// Why a step did not happen.
enum Halt {
    /// The device could not be read: the GPU was lost.
    Lost(String),
    /// The loss was not finite; the model was left as it was.
    NonFinite(f32),
}

/// The network being trained, its optimiser and where they live.
struct Run {
    model: Cnn,
    optimizer: burn::optim::ModuleOptimizer,
    device: Device,
    backend: Backend,
    /// On a GPU: the weights last copied off it, and the step they are from.
    snapshot: Option<(Parameters, usize)>,
    seed: u64,
}

impl Run {
    async fn step(
        &mut self,
        digits: &Digits,
        chunk: &[usize],
        rate: f64,
    ) -> Result<(f32, usize), Halt> {
        let (images, labels) = digits.batch(chunk, &self.device);
        let pass = training::forward(self.model.clone(), images, &labels);
        let loss = readback::floats(pass.digit_loss.clone())
            .await
            .map_err(Halt::Lost)?[0];
        let logits = readback::floats(pass.logits.clone())
            .await
            .map_err(Halt::Lost)?;
        if !loss.is_finite() {
            self.model = pass.skip();
            return Err(Halt::NonFinite(loss));
        }
        self.model = pass.update(&mut self.optimizer, rate);
        Ok((loss, training::correct(&logits, &labels)))
    }

    /// Keeps a copy of the weights off the GPU (nothing on the CPU, which is not lost).
    async fn keep_snapshot(&mut self, step: usize) -> Result<(), String> {
        if self.backend == Backend::WebGpu {
            self.snapshot = Some((Parameters::read(&self.model).await?, step));
        }
        Ok(())
    }

    /// The GPU is gone: the last copy of the weights goes on on the CPU, with a fresh optimiser
    /// (its state was on the GPU); the step that copy is from (0: a fresh network, from the
    /// same seed).
    fn move_to_cpu(&mut self) -> usize {
        let device = Device::flex();
        let autodiff = device.clone().autodiff();
        let step = match self.snapshot.take() {
            Some((parameters, step)) => {
                self.model = parameters.model(&autodiff);
                step
            }
            None => {
                autodiff.seed(self.seed);
                self.model = Cnn::new(&autodiff);
                0
            }
        };
        self.optimizer = training::optimizer();
        self.device = device;
        self.backend = Backend::Cpu;
        forget_webgpu();
        step
    }

    /// The share of the validation digits read right after step `step`; `None` if the page
    /// stopped the job meanwhile (on a slow device it takes a while).
    async fn validate(
        &self,
        digits: &Digits,
        page: Page,
        step: usize,
    ) -> Result<Option<f32>, String> {
        let model = self.model.valid();
        let (start, end) = (digits.training(), digits.labels.len());
        let mut correct = 0;
        for first in (start..end).step_by(VALIDATION_CHUNK) {
            if !page.go_on(step).await {
                return Ok(None);
            }
            let indices: Vec<usize> = (first..(first + VALIDATION_CHUNK).min(end)).collect();
            let (images, labels) = digits.batch(&indices, &self.device);
            let logits = readback::floats(model.forward(images)).await?;
            correct += training::correct(&logits, &labels);
            next_turn().await;
        }
        Ok(Some(correct as f32 / VALIDATION as f32))
    }

    async fn filters(&self) -> Result<Vec<f32>, String> {
        readback::floats(self.model.conv1_kernels()).await
    }
}

/// Runs one training job, posting its progress; the `Trained` message, or why it failed.
pub async fn run(request: TrainRequest, post: fn(&TeachReply)) -> Result<TeachReply, String> {
    let TrainRequest {
        job,
        epochs,
        seed,
        rate,
        ..
    } = request;
    let seed = u64::from(seed);
    let rate = rate.unwrap_or(training::LEARNING_RATE);
    if epochs == 0 || !(rate.is_finite() && rate > 0.0) {
        return Err("Training needs at least one epoch and a positive learning rate.".into());
    }
    ASKED.with(|asked| asked.set(None));
    let page = Page { job, post };
    let digits = training_digits().await?;
    let count = (request.digits as usize).min(digits.training());
    if count == 0 {
        return Err("Training needs at least one digit.".into());
    }
    let (device, backend) = device(request.backend).await;
    let autodiff = device.clone().autodiff();
    // As `trainer train` does: the same seed gives the same first weights.
    autodiff.seed(seed);
    // Its parameters are made on first use, in the first step, as in the trainer: nothing
    // may read them before (the filters are first shown after it).
    let mut run = Run {
        model: Cnn::new(&autodiff),
        optimizer: training::optimizer(),
        device,
        backend,
        snapshot: None,
        seed,
    };
    let per_epoch = count.div_ceil(BATCH_SIZE);
    let steps = per_epoch * epochs as usize;
    post(&TeachReply::TrainStarted {
        job,
        backend,
        digits: count as u32,
        steps: steps as u32,
        batch: BATCH_SIZE as u32,
    });
    let started = now();
    // A read that fails on the GPU (it was lost) moves the run to the CPU and tries again.
    let recover = |run: &mut Run, done: usize, why: String| -> Result<(), String> {
        if run.backend != Backend::WebGpu {
            return Err(lost(why));
        }
        let from = run.move_to_cpu();
        post(&TeachReply::TrainMoved {
            job,
            backend: Backend::Cpu,
            message: format!(
                "WebGPU stopped working after step {done} ({why}): training carries on on the \
                 CPU from the weights of step {from}."
            ),
        });
        Ok(())
    };

    let (mut done, mut busy_ms, mut stopped, mut diverged) = (0usize, 0.0f64, None, false);
    'epochs: for epoch in 1..=epochs as usize {
        let (order, _) = training::epoch_order(seed, epoch, count);
        for (step, chunk) in order.chunks(BATCH_SIZE).enumerate() {
            if !page.go_on(done).await {
                stopped = Some(format!("Stopped by you after step {done} of {steps}."));
                break 'epochs;
            }
            let began = now();
            // Dropout draws from the device's generator, seeded per step as the trainer does.
            run.device
                .clone()
                .autodiff()
                .seed(training::step_seed(seed, epoch, step));
            let (loss, correct) = match run.step(&digits, chunk, rate).await {
                Ok(outcome) => outcome,
                Err(Halt::NonFinite(loss)) => {
                    diverged = true;
                    stopped = Some(format!(
                        "The loss became {loss} at step {}, so training stopped there: the \
                         network is the one from step {done}, its last good weights.",
                        done + 1
                    ));
                    break 'epochs;
                }
                Err(Halt::Lost(why)) => {
                    recover(&mut run, done, why)?;
                    match run.step(&digits, chunk, rate).await {
                        Ok(outcome) => outcome,
                        Err(Halt::Lost(why)) => return Err(lost(why)),
                        Err(Halt::NonFinite(loss)) => {
                            return Err(lost(format!("a loss of {loss}")));
                        }
                    }
                }
            };
            done += 1;
            busy_ms += now() - began;
            post(&TeachReply::TrainStep {
                job,
                epoch: epoch as u32,
                step: done as u32,
                steps: steps as u32,
                loss,
                accuracy: correct as f32 / chunk.len() as f32,
                images_per_second: (1000.0 * (done * BATCH_SIZE) as f64 / busy_ms.max(1.0)) as f32,
            });
            if (done == 1 || done.is_multiple_of(FILTERS_EVERY))
                && let Err(why) = post_filters(job, done, &run, post).await
            {
                recover(&mut run, done, why)?;
            }
            if (done == 1 || done.is_multiple_of(SNAPSHOT_EVERY))
                && let Err(why) = run.keep_snapshot(done).await
            {
                recover(&mut run, done, why)?;
            }
            // A turn of the event loop: the page's pause and stop arrive meanwhile.
            next_turn().await;
        }
        let validated = match run.validate(&digits, page, done).await {
            Ok(validated) => validated,
            Err(why) => {
                recover(&mut run, done, why)?;
                run.validate(&digits, page, done).await.map_err(lost)?
            }
        };
        let Some(accuracy) = validated else {
            stopped = Some(format!("Stopped by you after step {done} of {steps}."));
            break 'epochs;
        };
        post(&TeachReply::TrainValidated {
            job,
            epoch: epoch as u32,
            step: done as u32,
            accuracy,
        });
    }
    let file = match weights_file(&run, &request, rate, count, done).await {
        Ok(file) => file,
        Err(why) => {
            recover(&mut run, done, why)?;
            weights_file(&run, &request, rate, count, done)
                .await
                .map_err(lost)?
        }
    };
    post_filters(job, done, &run, post).await.map_err(lost)?;
    Ok(TeachReply::Trained(TrainedNetwork {
        job,
        weights: file,
        steps: done as u32,
        ms: now() - started,
        backend: run.backend,
        stopped,
        diverged,
    }))
}

/// A read-back failed (`why`) where nothing can carry on: the run ends with no network.
fn lost(why: String) -> String {
    format!("The device stopped working while training: {why}.")
}

/// The page's side of a job: what it asks of it, and where its replies go.
#[derive(Clone, Copy)]
struct Page {
    job: u32,
    post: fn(&TeachReply),
}

impl Page {
    /// Waits while the page has paused the job, saying once for each pause that it holds
    /// after step `step` (the page says "paused" only then: a step in flight when it asked
    /// still ends); whether to go on (false: stopped).
    async fn go_on(self, step: usize) -> bool {
        let mut said = None;
        loop {
            match ASKED.with(Cell::get) {
                Some((asked, Control::Stop, _)) if asked == self.job => return false,
                Some((asked, Control::Pause, request)) if asked == self.job => {
                    if said != Some(request) {
                        (self.post)(&TeachReply::TrainPaused {
                            job: self.job,
                            step: step as u32,
                        });
                        said = Some(request);
                    }
                    sleep(100).await;
                }
                _ => return true,
            }
        }
    }
}

async fn post_filters(
    job: u32,
    step: usize,
    run: &Run,
    post: fn(&TeachReply),
) -> Result<(), String> {
    post(&TeachReply::TrainFilters {
        job,
        step: step as u32,
        filters: run.filters().await?,
    });
    Ok(())
}

/// The trained network as a weights file (f32: nothing is lost), saying how it was trained.
async fn weights_file(
    run: &Run,
    request: &TrainRequest,
    rate: f64,
    digits: usize,
    steps: usize,
) -> Result<Vec<u8>, String> {
    let parameters = Parameters::read(&run.model).await?;
    let model = parameters.model(&Device::flex());
    let trained = format!(
        "in the page on {}: {digits} MNIST training digits, {steps} steps of {BATCH_SIZE} \
         (up to {} epochs), Adam at {}, seed {}",
        run.backend.id(),
        request.epochs,
        rate,
        request.seed
    );
    weights::encode(&model, Precision::F32, &[(KEY_TRAINED_IN_PAGE, trained)])
        .map_err(|e| e.to_string())
}

/// The training digits, fetched once per worker.
async fn training_digits() -> Result<Rc<Digits>, String> {
    if let Some(digits) = DIGITS.with(|d| d.borrow().clone()) {
        return Ok(digits);
    }
    let get = |url: &'static str| async move {
        fetch_bytes(url)
            .await
            .map_err(|e| format!("Could not load the training digits ({url}): {e}."))
    };
    let (images, labels) = idx::labelled(get(IMAGES_URL).await?, get(LABELS_URL).await?)
        .map_err(|p| format!("The training digits are damaged: {p}."))?;
    if labels.len() <= VALIDATION {
        return Err(format!(
            "The training digits are damaged: {} of them, not more than the {VALIDATION} kept \
             for validation.",
            labels.len()
        ));
    }
    let digits = Rc::new(Digits { images, labels });
    DIGITS.with(|d| *d.borrow_mut() = Some(digits.clone()));
    Ok(digits)
}
