//! Where a training step's time goes: forward and backward of each layer of the seed network
//! on one batch of 128, on the default backend (`flex`), plus the pooling alternatives tried.
//! Prints figures; for profiling, not a test.
//!   cargo run --release -p mnist-trainer --example layer_times

use std::time::Instant;

use burn::nn::conv::Conv2dConfig;
use burn::nn::pool::MaxPool2dConfig;
use burn::nn::{LinearConfig, PaddingConfig2d};
use burn::tensor::{Device, Distribution, Tensor};

const BATCH: usize = 128;
const RUNS: u32 = 10;

fn time(name: &str, mut step: impl FnMut()) {
    step(); // warm-up
    let started = Instant::now();
    for _ in 0..RUNS {
        step();
    }
    let ms = started.elapsed().as_secs_f64() * 1e3 / f64::from(RUNS);
    println!("  {name:<46} {ms:8.2} ms");
}

fn random<const D: usize>(shape: [usize; D], device: &Device) -> Tensor<D> {
    Tensor::random(shape, Distribution::Default, device)
}

/// 2×2 max-pooling from reshapes and element-wise maxima (tried; slower on flex).
fn pool_by_narrowing(x: Tensor<4>) -> Tensor<4> {
    let [b, c, h, w] = x.dims();
    let x = x.reshape([b, c, h / 2, 2, w / 2, 2]);
    let part = |i, j| x.clone().narrow(3, i, 1).narrow(5, j, 1);
    let top = part(0, 0).max_pair(part(0, 1));
    let bottom = part(1, 0).max_pair(part(1, 1));
    top.max_pair(bottom).reshape([b, c, h / 2, w / 2])
}

fn main() {
    let device = Device::flex().autodiff();
    let same = PaddingConfig2d::Same;
    let conv1 = Conv2dConfig::new([1, 32], [5, 5])
        .with_padding(same.clone())
        .init(&device);
    let conv2 = Conv2dConfig::new([32, 64], [5, 5])
        .with_padding(same)
        .init(&device);
    let pool = MaxPool2dConfig::new([2, 2]).init();
    let fc1 = LinearConfig::new(3136, 1024).init(&device);
    let images = random([BATCH, 1, 28, 28], &device);
    let maps1 = random([BATCH, 32, 28, 28], &device);
    let pooled1 = random([BATCH, 32, 14, 14], &device);
    let maps2 = random([BATCH, 64, 14, 14], &device);
    let flat = random([BATCH, 3136], &device);

    println!("forward + backward on a batch of {BATCH}, mean of {RUNS} runs:");
    time("conv1 5×5×32 (weight gradients)", || {
        conv1.forward(images.clone()).sum().backward();
    });
    time("max-pool 2×2 on 32×28×28", || {
        pool.forward(maps1.clone().require_grad()).sum().backward();
    });
    time("  same, by reshape + max_dim", || {
        let x = maps1
            .clone()
            .require_grad()
            .reshape([BATCH, 32, 14, 2, 14, 2]);
        x.max_dim(5).max_dim(3).sum().backward();
    });
    time("  same, by narrow + max_pair", || {
        pool_by_narrowing(maps1.clone().require_grad())
            .sum()
            .backward();
    });
    time("relu on 32×28×28", || {
        burn::tensor::activation::relu(maps1.clone().require_grad())
            .sum()
            .backward();
    });
    time("conv2 5×5×64 (weight and input gradients)", || {
        conv2
            .forward(pooled1.clone().require_grad())
            .sum()
            .backward();
    });
    time("max-pool 2×2 on 64×14×14", || {
        pool.forward(maps2.clone().require_grad()).sum().backward();
    });
    time("dense 3136→1024 (weight and input gradients)", || {
        fc1.forward(flat.clone().require_grad()).sum().backward();
    });
}
