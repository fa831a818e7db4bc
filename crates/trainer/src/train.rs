//! The training loop: Adam on the seed network over shuffled, augmented batches, validation
//! after every epoch, a checkpoint per epoch and exact resume from it.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use burn::module::Module;
use burn::tensor::Tensor;
use indicatif::{ProgressBar, ProgressStyle};
use mnist_model::Cnn;
use mnist_model::augment::{Augmentation, Elastic, Outliers, PenAugmentation};
use mnist_model::network::images_tensor;
use mnist_model::training;

use crate::backend::Backend;
use crate::checkpoint::{self, State};
use crate::curves;
use crate::evaluate::evaluate;
use crate::mnist;
use crate::run::{EpochMetrics, Outcome, RunDir, TrainConfig};
use crate::step::train_step;
use crate::weights_file;
use crate::writers;

/// Trains per `config` on the MNIST files in `data`, writing checkpoints, metrics and the
/// curve into `out`. With `resume`, continues from the last checkpoint there.
pub fn train(config: &TrainConfig, data: &Path, out: &Path, resume: bool) -> Result<Outcome> {
    if config.epochs == 0 || config.batch_size == 0 {
        bail!("epochs and batch size must be at least 1");
    }
    if config.compute.bf16 && config.compute.backend == Backend::Flex {
        // The export checks the weights in f32 on flex, and a device's float type is fixed
        // once used; bf16 is also slower than f32 on flex.
        bail!("--bf16 trains with --backend tch (or wgpu); on flex it would be slower, not faster");
    }
    if !(config.learning_rate.is_finite() && config.learning_rate > 0.0) {
        bail!("the learning rate must be a positive number");
    }
    if !(0.0..=1.0).contains(&config.outliers) {
        bail!("--outliers is a share of the batch, from 0 to 1");
    }
    if !(0.0..=1.0).contains(&config.redraw) {
        bail!("--redraw is a share of the training digits, from 0 to 1");
    }
    if !(0.0..0.9).contains(&config.writers) {
        bail!("--writers is a share of the training digits, from 0 to under 0.9");
    }
    if !(0.0..0.9).contains(&config.trajectories) {
        bail!("--trajectories is a share of the training digits, from 0 to under 0.9");
    }
    if !(config.distil.is_finite() && config.distil >= 0.0) {
        bail!("--distil is a weight, 0 or more");
    }
    if config.distil > 0.0 && config.init.is_none() {
        bail!("--distil keeps to the network a run starts from: give it with --init");
    }
    let run = RunDir::new(out);
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let all = mnist::load_train(data)?;
    let (mut train_set, validation) = mnist::train_and_validation(&all, config.limit)?;
    // The mix puts the writers' digits after MNIST's.
    let mnist_digits = train_set.len();
    if config.writers > 0.0 {
        train_set = train_set.mixed_with(&writers::training_digits()?, config.writers);
    }
    if config.trajectories > 0.0 {
        train_set = train_set.mixed_with(&writers::training_trajectories()?, config.trajectories);
    }

    let device = config.compute.device()?;
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
                    run.checkpoints().display(),
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
            let model = match &config.init {
                Some(path) => weights_file::load(path, &train_device)?.model,
                None => Cnn::new(&train_device),
            };
            (model, training::optimizer(), Vec::new(), 1)
        }
    };

    let teacher = match (&config.init, config.distil > 0.0) {
        (Some(path), true) => Some(weights_file::load(path, &device)?.model),
        _ => None,
    };
    let augmentation = config.augment.then(Augmentation::default);
    let pen = config.pen.then(|| PenAugmentation {
        redraw: config.redraw,
        ..PenAugmentation::default()
    });
    let elastic = config.elastic.then(Elastic::default);
    let outliers = (config.outliers > 0.0).then(|| Outliers::new(config.outliers));
    for epoch in first_epoch..=config.epochs {
        let started = Instant::now();
        let (order, mut rng) = training::epoch_order(config.seed, epoch, train_set.len());
        let batches = order.len().div_ceil(config.batch_size);
        let bar = progress_bar(batches, epoch, config.epochs);
        let (mut loss_sum, mut correct, mut seen) = (0.0f64, 0usize, 0usize);
        for (step, chunk) in order.chunks(config.batch_size).enumerate() {
            // Dropout draws from the device's generator.
            train_device.seed(training::step_seed(config.seed, epoch, step));
            let mut non_digits = Vec::new();
            let (mut images, labels) = train_set.batch_with(chunk, &device, |inputs, labels| {
                if let Some(pen) = &pen {
                    pen.apply_all(inputs, labels, &mut rng);
                }
                if let Some(elastic) = &elastic {
                    elastic.apply_all(inputs, &mut rng);
                }
                if let Some(outliers) = &outliers {
                    non_digits = outliers.make(inputs, labels, &mut rng);
                }
            });
            if !non_digits.is_empty() {
                // After the digits: `train_step` tells them apart by the number of labels.
                images = Tensor::cat(vec![images, images_tensor(&non_digits, &device)], 0);
            }
            if let Some(augmentation) = &augmentation {
                images = augmentation.apply(images, &mut rng);
            }
            let rate = config.schedule.rate(
                config.learning_rate,
                (epoch - 1) * batches + step,
                config.epochs * batches,
            );
            let teacher_answers = teacher.as_ref().map(|teacher| {
                let digits = images.clone().narrow(0, 0, labels.len());
                let keep: Vec<bool> = chunk.iter().map(|&i| i < mnist_digits).collect();
                (teacher.forward(digits), keep)
            });
            let outcome = train_step(model, &mut optimizer, images, &labels, rate, |pass| {
                match teacher_answers {
                    Some((answers, keep)) => pass.distil(answers, &keep, config.distil),
                    None => pass,
                }
            });
            model = outcome.model;
            let loss_value = outcome.loss;
            if !loss_value.is_finite() {
                bar.abandon();
                let kept = match epoch - 1 {
                    0 => "no checkpoint had been written yet".to_string(),
                    last => format!(
                        "the last good checkpoint (epoch {last}) is kept in {}",
                        run.checkpoints().display()
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
        curves::write_csv(&run.metrics_csv(), &history)?;
        curves::plot(&run.curve_png(), &history)?;
    }
    Ok(Outcome {
        model,
        config: config.clone(),
        history,
        train_images: train_set.len(),
        blend: None,
    })
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
