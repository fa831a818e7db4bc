//! One training step of the network on a batch: forward, cross-entropy, backward, Adam. The
//! trainer calls it, and so does the page when it trains the network itself. Reading the loss
//! back is the caller's (natively a plain read; in a browser on WebGPU it must be asynchronous),
//! and so is the choice to apply the update: [`Forward::update`] when the loss is finite,
//! [`Forward::skip`] otherwise.
//!
//! Also the seed's recipe, which both follow: Adam at [`LEARNING_RATE`], batches of
//! [`BATCH_SIZE`], each epoch's order and each step's dropout drawn from the run's seed, so
//! that a run can be repeated exactly, and resumed, natively or in the page.

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Int, Tensor, TensorData};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::{Cnn, NUM_CLASSES};

/// The seed's learning rate (Adam's usual).
pub const LEARNING_RATE: f64 = 1e-3;
/// The seed's images per optimiser step.
pub const BATCH_SIZE: usize = 128;

/// The seed's optimiser: Adam with its usual settings.
pub fn optimizer() -> ModuleOptimizer {
    AdamConfig::new().init()
}

/// Epoch `epoch`'s random numbers in a run seeded `seed`, and the order it visits `n` training
/// digits in (the same numbers go on to draw the epoch's augmentation). The generator is
/// Xoshiro256++ everywhere, what rand's `SmallRng` is on 64-bit machines, so that runs from
/// before keep their order and the page (wasm32) visits the digits as the trainer does.
pub fn epoch_order(seed: u64, epoch: usize, n: usize) -> (Vec<usize>, Xoshiro256PlusPlus) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(mix(seed, epoch as u64));
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    (order, rng)
}

/// The seed of the device's generator (dropout) for step `step` of epoch `epoch`: seeded per
/// step, every step is reproducible on its own, which is what lets a resumed run match exactly.
pub fn step_seed(seed: u64, epoch: usize, step: usize) -> u64 {
    mix(mix(seed, epoch as u64), step as u64)
}

/// Mixes two numbers into a well-spread seed (SplitMix64 finaliser).
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_add(0x9e37_79b9_7f4a_7c15).rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Weight of the non-digits' loss beside the digits' (outlier exposure's usual 0.5).
const NON_DIGIT_WEIGHT: f64 = 0.5;

/// The temperature the network's answers are softened at when a run keeps to another
/// network's (Hinton et al., 2015): at 2 the small probabilities, how much a digit looks like
/// each other digit, count too.
const DISTIL_TEMPERATURE: f64 = 2.0;

/// A batch's forward pass and loss, before the update.
pub struct Forward {
    model: Cnn,
    /// The digits' logits, differentiable.
    student: Tensor<2>,
    /// What is differentiated: the digits' loss and the non-digits'.
    loss: Tensor<1>,
    /// Mean cross-entropy of the batch's digits, on the inner device: what a run reports,
    /// comparable with runs without non-digits.
    pub digit_loss: Tensor<1>,
    /// The digits' logits, on the inner device.
    pub logits: Tensor<2>,
}

/// The forward pass of `model` (on an autodiff device) on `images` (on its inner device): the
/// first are digits, with their `labels`; any after them are non-digits, whose target is the
/// uniform distribution over the ten classes.
pub fn forward(model: Cnn, images: Tensor<4>, labels: &[i64]) -> Forward {
    let device = model.devices()[0].clone();
    let targets =
        Tensor::<1, Int>::from_data(TensorData::new(labels.to_vec(), [labels.len()]), &device);
    let logits = model.forward(images.autodiff());
    let (rows, digits) = (logits.dims()[0], labels.len());
    let digit_loss = CrossEntropyLossConfig::new()
        .init(&device)
        .forward(logits.clone().narrow(0, 0, digits), targets);
    let mut loss = digit_loss.clone();
    if rows > digits {
        // Cross-entropy against the uniform distribution: the mean of -log p over classes.
        let non_digits = log_softmax(logits.clone().narrow(0, digits, rows - digits), 1);
        loss = loss + non_digits.mean().neg().mul_scalar(NON_DIGIT_WEIGHT);
    }
    Forward {
        model,
        student: logits.clone().narrow(0, 0, digits),
        loss,
        digit_loss: digit_loss.inner(),
        logits: logits.narrow(0, 0, digits).inner(),
    }
}

impl Forward {
    /// Learning without forgetting (Li and Hoiem, 2016): adds, `weight` beside the
    /// cross-entropy, the cross-entropy of the digits whose `keep` is true against `teacher`'s
    /// answers to them (its logits, on the inner device), both softened at
    /// [`DISTIL_TEMPERATURE`], so that fine-tuning on new digits keeps what the teacher knew
    /// of the old.
    pub fn distil(mut self, teacher: Tensor<2>, keep: &[bool], weight: f64) -> Self {
        let kept = keep.iter().filter(|&&k| k).count();
        if kept == 0 || weight == 0.0 {
            return self;
        }
        let device = self.student.device();
        let mask: Vec<f32> = keep.iter().map(|&k| f32::from(u8::from(k))).collect();
        let mask = Tensor::<2>::from_data(TensorData::new(mask, [keep.len(), 1]), &device);
        let t = DISTIL_TEMPERATURE;
        let targets = softmax(teacher.div_scalar(t), 1).autodiff();
        let answers = log_softmax(self.student.clone().div_scalar(t), 1);
        let cross = (targets * answers).sum_dim(1).neg() * mask;
        // × t²: the softened gradients are t² smaller (Hinton et al.).
        self.loss = self.loss + cross.sum().mul_scalar(weight * t * t / kept as f64);
        self
    }

    /// Backward, then one optimiser step at learning rate `rate`: the updated model.
    pub fn update(self, optimizer: &mut ModuleOptimizer, rate: f64) -> Cnn {
        let grads = GradientsParams::from_grads(self.loss.backward(), &self.model);
        optimizer.step(rate, self.model, grads)
    }

    /// The model as it was (the loss was not finite: an update would spoil it).
    pub fn skip(self) -> Cnn {
        self.model
    }
}

/// How many rows of `logits` (ten values each) name their label.
pub fn correct(logits: &[f32], labels: &[i64]) -> usize {
    logits
        .chunks(NUM_CLASSES)
        .zip(labels)
        .filter(|(row, label)| argmax(row) == **label as usize)
        .count()
}

/// Index of the largest value.
fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, &v)| {
            if v > best.1 { (i, v) } else { best }
        })
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs trained before the generator was named explicitly visited their digits in this order.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn epochs_keep_the_order_small_rng_gave_them_on_64_bit_machines() {
        let mut small = rand::rngs::SmallRng::seed_from_u64(mix(42, 3));
        let mut order: Vec<usize> = (0..1000).collect();
        order.shuffle(&mut small);
        assert_eq!(epoch_order(42, 3, 1000).0, order);
    }

    #[test]
    fn keeping_to_a_teacher_adds_its_cross_entropy_on_the_kept_rows_only() {
        use burn::tensor::Device;
        let device = Device::flex().autodiff();
        let model = Cnn::new(&device);
        let images = Tensor::<4>::ones([2, 1, 28, 28], &device.clone().inner()).mul_scalar(0.3);
        let labels = [1, 2];
        // Parameters are drawn when first used: once, before the passes compared.
        let _ = model.forward(images.clone().autodiff());
        // Dropout draws from the device's generator: seeded alike, the passes are alike.
        let pass = |keep: &[bool], teacher: Tensor<2>| {
            device.seed(5);
            let pass = forward(model.clone(), images.clone(), &labels).distil(teacher, keep, 0.5);
            (pass.loss.clone().inner().into_scalar::<f32>(), pass)
        };
        device.seed(5);
        let plain = forward(model.clone(), images.clone(), &labels);
        let (loss, logits) = (plain.loss.inner().into_scalar::<f32>(), plain.logits);
        assert_eq!(pass(&[false, false], logits.clone()).0, loss);
        let (kept, pass) = pass(&[true, false], logits.clone());
        // Taught its own answers, the added term is their entropy at the temperature.
        let t = DISTIL_TEMPERATURE;
        let p = softmax(pass.logits.narrow(0, 0, 1).div_scalar(t), 1);
        let entropy = (p.clone() * p.log()).sum().neg().into_scalar::<f32>();
        let expected = loss + (0.5 * t * t) as f32 * entropy;
        assert!((kept - expected).abs() < 1e-4, "{kept} against {expected}");
    }

    #[test]
    fn rows_that_name_their_label_are_counted() {
        let mut logits = vec![0.0; 3 * NUM_CLASSES];
        logits[2] = 1.0; // row 0: 2
        logits[NUM_CLASSES + 7] = 1.0; // row 1: 7
        logits[2 * NUM_CLASSES + 9] = 1.0; // row 2: 9
        assert_eq!(correct(&logits, &[2, 7, 1]), 2);
    }
}
