//! One optimiser step on a batch: the unit shared by training runs and the epoch benchmark.

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{GradientsParams, ModuleOptimizer};
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
