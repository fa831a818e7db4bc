//! One optimiser step on a batch: the unit shared by training runs and the epoch benchmark.

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Int, Tensor, TensorData};
use mnist_model::{Cnn, NUM_CLASSES};

use crate::evaluate::argmax;

/// What one optimiser step did.
pub struct Step {
    pub model: Cnn,
    /// Mean cross-entropy of the batch (before the update).
    pub loss: f64,
    /// Images of the batch the model got right (before the update).
    pub correct: usize,
}

/// Weight of the non-digits' loss beside the digits' (outlier exposure's usual 0.5).
const NON_DIGIT_WEIGHT: f64 = 0.5;

/// One Adam step at learning rate `rate` on `images` (on the inner device of `model`'s
/// autodiff device): the first are digits, with their `labels`; any after them are non-digits,
/// whose target is the uniform distribution over the ten classes. A non-finite loss leaves the
/// model unchanged.
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
    // The digits' loss is what the run reports, comparable with runs without non-digits.
    let loss_value = digit_loss.into_scalar::<f32>() as f64;
    let predicted = logits
        .narrow(0, 0, digits)
        .inner()
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .expect("f32 logits");
    let correct = predicted
        .chunks(NUM_CLASSES)
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
