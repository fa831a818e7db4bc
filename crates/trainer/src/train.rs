//! The training loop: Adam on the seed network, per-epoch validation, checkpoints, exact
//! resume, and at the end the exported weights with their model card.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Int, Tensor, TensorData};
use indicatif::{ProgressBar, ProgressStyle};
use mnist_model::network::images_tensor;
use mnist_model::{Cnn, IMAGE_PIXELS};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::augment::Augmentation;
use crate::backend::Backend;
use crate::checkpoint::{self, State};
use crate::evaluate::{argmax, evaluate};
use crate::mnist;
use crate::report;

/// The settings of a training run; all but `epochs` must match to resume a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub seed: u64,
    /// Train on the first `limit` training images only.
    pub limit: Option<usize>,
    pub augment: bool,
    pub schedule: Schedule,
    pub backend: Backend,
    /// Compute in bfloat16 (experimental; see `Backend::compute_device`).
    #[serde(default)]
    pub bf16: bool,
}

impl TrainConfig {
    /// A constant rate does not depend on the number of epochs, so a finished run can be
    /// extended; a cosine schedule does, so there the epochs must match too.
    fn resumable_from(&self, other: &TrainConfig) -> bool {
        let epochs = match self.schedule {
            Schedule::Constant => other.epochs,
            Schedule::Cosine => self.epochs,
        };
        TrainConfig {
            epochs,
            ..self.clone()
        } == *other
    }
}

/// How the learning rate changes over a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// The seed's: the same rate throughout.
    Constant,
    /// Cosine decay from the rate to 1 % of it over all steps.
    Cosine,
}

impl Schedule {
    /// The rate at `step` of `total` steps.
    pub fn rate(self, base: f64, step: usize, total: usize) -> f64 {
        match self {
            Schedule::Constant => base,
            Schedule::Cosine => {
                let progress = step as f64 / total.max(1) as f64;
                base * (0.01 + 0.99 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()))
            }
        }
    }
}

/// One row of the training history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    pub epoch: usize,
    pub train_loss: f64,
    pub train_accuracy: f64,
    pub val_loss: f64,
    pub val_accuracy: f64,
    pub seconds: f64,
}

/// What a finished run produced.
#[derive(Debug)]
pub struct Outcome {
    pub model: Cnn,
    pub history: Vec<EpochMetrics>,
    /// Images trained on (after `--limit`).
    pub train_images: usize,
}

/// Files of a run writing to `out`.
pub fn metrics_csv(out: &Path) -> PathBuf {
    out.join("metrics.csv")
}
pub fn curve_png(out: &Path) -> PathBuf {
    out.join("training-curve.png")
}

/// Trains per `config` on the MNIST files in `data`, writing checkpoints, metrics and the
/// curve into `out`. With `resume`, continues from the last checkpoint there.
pub fn train(config: &TrainConfig, data: &Path, out: &Path, resume: bool) -> Result<Outcome> {
    if config.epochs == 0 || config.batch_size == 0 {
        bail!("epochs and batch size must be at least 1");
    }
    if config.bf16 && config.backend == Backend::Flex {
        // The export checks the weights in f32 on flex, and a device's float type is fixed
        // once used; bf16 is also slower than f32 on flex.
        bail!("--bf16 trains with --backend tch (or wgpu); on flex it would be slower, not faster");
    }
    if !(config.learning_rate.is_finite() && config.learning_rate > 0.0) {
        bail!("the learning rate must be a positive number");
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let all = mnist::load_train(data)?;
    let (train_set, validation) = mnist::train_and_validation(&all, config.limit)?;

    let device = config.backend.compute_device(config.bf16)?;
    let train_device = device.clone().autodiff();
    let (mut model, mut optimizer, mut history, first_epoch) = match resume
        .then(|| checkpoint::load(out, &train_device))
        .transpose()?
        .flatten()
    {
        Some((model, optimizer, state)) => {
            if !config.resumable_from(&state.config) {
                bail!(
                    "the checkpoint in {} was made with other settings ({:?}); \
                         resume with the same ones, or start afresh without --resume",
                    checkpoint::dir(out).display(),
                    state.config
                );
            }
            println!("resuming after epoch {} of {}", state.epoch, config.epochs);
            (model, optimizer, state.history, state.epoch + 1)
        }
        None => {
            if resume {
                println!("no checkpoint in {}: starting afresh", out.display());
            }
            train_device.seed(config.seed);
            (
                Cnn::new(&train_device),
                checkpoint::optimizer(),
                Vec::new(),
                1,
            )
        }
    };

    let augmentation = config.augment.then(Augmentation::default);
    for epoch in first_epoch..=config.epochs {
        let started = Instant::now();
        let mut rng = SmallRng::seed_from_u64(mix(config.seed, epoch as u64));
        let mut order: Vec<usize> = (0..train_set.len()).collect();
        order.shuffle(&mut rng);
        let batches = order.len().div_ceil(config.batch_size);
        let bar = progress_bar(batches, epoch, config.epochs);
        let (mut loss_sum, mut correct, mut seen) = (0.0f64, 0usize, 0usize);
        for (step, chunk) in order.chunks(config.batch_size).enumerate() {
            // Dropout draws from the device's generator: seeding it per step makes every
            // step reproducible on its own, which is what lets a resumed run match exactly.
            train_device.seed(mix(mix(config.seed, epoch as u64), step as u64));
            let inputs: Vec<[f32; IMAGE_PIXELS]> =
                chunk.iter().map(|&i| train_set.input(i)).collect();
            let mut images = images_tensor(&inputs, &device);
            if let Some(augmentation) = &augmentation {
                images = augmentation.apply(images, &mut rng);
            }
            let labels: Vec<i64> = chunk.iter().map(|&i| train_set.labels[i] as i64).collect();
            let rate = config.schedule.rate(
                config.learning_rate,
                (epoch - 1) * batches + step,
                config.epochs * batches,
            );
            let outcome = train_step(model, &mut optimizer, images, &labels, rate);
            model = outcome.model;
            let loss_value = outcome.loss;
            if !loss_value.is_finite() {
                bar.abandon();
                let kept = match epoch - 1 {
                    0 => "no checkpoint had been written yet".to_string(),
                    last => format!(
                        "the last good checkpoint (epoch {last}) is kept in {}",
                        checkpoint::dir(out).display()
                    ),
                };
                bail!(
                    "training diverged: the loss became {loss_value} at epoch {epoch}, batch {}; \
                     {kept}. Try a lower --lr.",
                    step + 1
                );
            }
            correct += outcome.correct;
            loss_sum += loss_value * chunk.len() as f64;
            seen += chunk.len();
            bar.inc(1);
            bar.set_message(format!(
                "loss {:.4}  acc {:.2}%",
                loss_sum / seen as f64,
                100.0 * correct as f64 / seen as f64
            ));
        }
        bar.finish_and_clear();

        let val = evaluate(&model.valid(), &validation, &device);
        let metrics = EpochMetrics {
            epoch,
            train_loss: loss_sum / seen as f64,
            train_accuracy: correct as f64 / seen as f64,
            val_loss: val.loss,
            val_accuracy: val.accuracy,
            seconds: started.elapsed().as_secs_f64(),
        };
        println!(
            "epoch {epoch:>2}/{}  train loss {:.4} acc {:.2}%  |  validation loss {:.4} acc {:.2}%  |  {:.0} s",
            config.epochs,
            metrics.train_loss,
            100.0 * metrics.train_accuracy,
            metrics.val_loss,
            100.0 * metrics.val_accuracy,
            metrics.seconds
        );
        history.push(metrics);
        let state = State::new(config.clone(), epoch, history.clone());
        checkpoint::save(out, &model, &optimizer, state)?;
        report::write_csv(&metrics_csv(out), &history)?;
        report::plot(&curve_png(out), &history)?;
    }
    Ok(Outcome {
        model,
        history,
        train_images: train_set.len(),
    })
}

/// What one optimiser step did.
pub struct Step {
    pub model: Cnn,
    /// Mean cross-entropy of the batch (before the update).
    pub loss: f64,
    /// Images of the batch the model got right (before the update).
    pub correct: usize,
}

/// One Adam step at learning rate `rate` on `images` (on the inner device of `model`'s
/// autodiff device) and their `labels`. A non-finite loss leaves the model unchanged.
pub fn train_step(
    model: Cnn,
    optimizer: &mut ModuleOptimizer,
    images: Tensor<4>,
    labels: &[i64],
    rate: f64,
) -> Step {
    let device = model.devices()[0].clone();
    let targets =
        Tensor::<1, Int>::from_data(TensorData::new(labels.to_vec(), [labels.len()]), &device);
    let logits = model.forward(images.autodiff());
    let loss = CrossEntropyLossConfig::new()
        .init(&device)
        .forward(logits.clone(), targets);
    let loss_value = loss.clone().into_scalar::<f32>() as f64;
    let predicted = logits
        .inner()
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .expect("f32 logits");
    let correct = predicted
        .chunks(mnist_model::NUM_CLASSES)
        .zip(labels)
        .filter(|(row, label)| argmax(row) == **label as usize)
        .count();
    if !loss_value.is_finite() {
        return Step {
            model,
            loss: loss_value,
            correct,
        };
    }
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    Step {
        model: optimizer.step(rate, model, grads),
        loss: loss_value,
        correct,
    }
}

/// Mixes two numbers into a well-spread seed (SplitMix64 finaliser).
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_add(0x9e37_79b9_7f4a_7c15).rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn progress_bar(batches: usize, epoch: usize, epochs: usize) -> ProgressBar {
    let bar = ProgressBar::new(batches as u64);
    bar.set_style(
        ProgressStyle::with_template("epoch {prefix} [{bar:30}] {pos}/{len} {msg} ({eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(format!("{epoch}/{epochs}"));
    bar
}
