//! One optimiser step on a batch, read back: the unit shared by training runs and the epoch
//! benchmark. The step itself is the model crate's (`mnist_model::training`).

use burn::optim::ModuleOptimizer;
use burn::tensor::Tensor;
use mnist_model::Cnn;
use mnist_model::training::{self, Forward};

/// What one optimiser step did.
pub struct Step {
    pub model: Cnn,
    /// Mean cross-entropy of the batch's digits (before the update).
    pub loss: f64,
    /// Digits of the batch the model got right (before the update).
    pub correct: usize,
}

/// One Adam step at learning rate `rate` on `images` (see `training::forward`), the loss first
/// given to `adjust` (which may add to it: `--distil`). A non-finite loss leaves the model
/// unchanged.
pub fn train_step(
    model: Cnn,
    optimizer: &mut ModuleOptimizer,
    images: Tensor<4>,
    labels: &[i64],
    rate: f64,
    adjust: impl FnOnce(Forward) -> Forward,
) -> Step {
    let pass = adjust(training::forward(model, images, labels));
    let loss = pass.digit_loss.clone().into_scalar::<f32>() as f64;
    let logits = pass
        .logits
        .clone()
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .expect("f32 logits");
    let correct = training::correct(&logits, labels);
    let model = if loss.is_finite() {
        pass.update(optimizer, rate)
    } else {
        pass.skip()
    };
    Step {
        model,
        loss,
        correct,
    }
}
