//! `trainer bench-epoch`: one training epoch on the seed's 55k images and one evaluation of
//! the 10k test set, timed the way the Keras reference (`bench/keras_seed.py`) times itself,
//! so `bench/train_vs_keras.py` can put the two side by side.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use burn::module::Module;
use mnist_model::{Cnn, training};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use serde::Serialize;

use crate::backend::Compute;
use crate::evaluate::evaluate;
use crate::mnist;
use crate::step::train_step;

/// The figures of one timed epoch; field names follow the Keras script's output.
#[derive(Debug, Clone, Serialize)]
pub struct EpochTiming {
    pub train_s: f64,
    pub train_img_s: f64,
    pub eval_s: f64,
    pub eval_img_s: f64,
    pub test_acc: f64,
}

/// Trains a fresh network for one epoch (no augmentation, like the reference) with Adam at
/// 1e-3 on the first `limit` (default 55,000) training images, then evaluates the test set,
/// all of it on `compute`'s device and float type.
pub fn epoch(
    compute: Compute,
    data: &Path,
    batch_size: usize,
    limit: Option<usize>,
) -> Result<EpochTiming> {
    anyhow::ensure!(batch_size > 0, "the batch size must be at least 1");
    let all = mnist::load_train(data)?;
    let test = mnist::load_test(data)?;
    let (train, _) = mnist::train_and_validation(&all, limit)?;

    let device = compute.device()?;
    let train_device = device.clone().autodiff();
    train_device.seed(0);
    let mut model = Cnn::new(&train_device);
    let mut optimizer = training::optimizer();
    let mut order: Vec<usize> = (0..train.len()).collect();
    order.shuffle(&mut SmallRng::seed_from_u64(0));

    let started = Instant::now();
    for chunk in order.chunks(batch_size) {
        let (images, labels) = train.batch(chunk, &device);
        model = train_step(model, &mut optimizer, images, &labels, 1e-3, |pass| pass).model;
    }
    let train_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let report = evaluate(&model.valid(), &test, &device);
    let eval_s = started.elapsed().as_secs_f64();
    Ok(EpochTiming {
        train_s,
        train_img_s: train.len() as f64 / train_s,
        eval_s,
        eval_img_s: test.len() as f64 / eval_s,
        test_acc: report.accuracy,
    })
}
