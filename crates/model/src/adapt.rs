//! Fine-tuning on one person's digits: what the page does when the user teaches it, and what
//! the trainer measures natively with the same code.
//!
//! Only the output layer learns. The layers below it are the shipped network's, frozen, so
//! each example and each replayed MNIST digit goes through them once ([`Cnn::dense`]), and
//! a step is then a 1024 × 10 matrix product: adapting takes seconds even on the CPU in a
//! page. The user's examples are augmented the way training augments (pen redrawing, then
//! the affine changes), and every batch mixes them with MNIST training digits so that the
//! network keeps reading everyone else's handwriting (see docs/teach.md for the figures
//! behind each choice).

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::nn::{Dropout, DropoutConfig, Linear};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::augment::{Augmentation, PenAugmentation};
use crate::network::images_tensor;
use crate::personal::Example;
use crate::{Cnn, IMAGE_PIXELS, NUM_CLASSES};

/// How the output layer is fine-tuned.
#[derive(Debug, Clone, Copy)]
pub struct AdaptConfig {
    /// Optimiser steps.
    pub steps: usize,
    /// Images per step.
    pub batch: usize,
    /// Adam's learning rate.
    pub rate: f64,
    /// Share of each batch taken from the user's examples; the rest is replayed MNIST.
    pub user_share: f64,
    /// Forms of each user example trained on: the drawing itself and augmented copies.
    pub variants: usize,
}

impl Default for AdaptConfig {
    fn default() -> Self {
        Self {
            steps: 300,
            batch: 64,
            rate: 3e-4,
            user_share: 0.25,
            variants: 4,
        }
    }
}

/// Each example as drawn, then `variants − 1` augmented copies of it: redrawn with another
/// pen (sometimes in a writing style), then moved, turned, scaled and thickened as training
/// does. Images `[n, 1, 28, 28]` on `device`, and their labels.
pub fn variants(
    examples: &[Example],
    config: &AdaptConfig,
    device: &Device,
    rng: &mut impl Rng,
) -> (Tensor<4>, Vec<u8>) {
    let pen = PenAugmentation::default();
    let copies = config.variants.saturating_sub(1);
    let mut inputs = Vec::with_capacity(examples.len() * copies);
    let mut labels = Vec::with_capacity(examples.len() * config.variants);
    for example in examples {
        for _ in 0..copies {
            inputs.push(pen.apply(&example.input, example.label, rng));
            labels.push(example.label);
        }
    }
    let originals: Vec<[f32; IMAGE_PIXELS]> = examples.iter().map(|e| e.input).collect();
    labels.splice(0..0, examples.iter().map(|e| e.label));
    let mut parts = vec![images_tensor(&originals, device)];
    if !inputs.is_empty() {
        parts.push(Augmentation::default().apply(images_tensor(&inputs, device), rng));
    }
    (Tensor::cat(parts, 0), labels)
}

/// The fine-tuning of the output layer, one step at a time so that the page can yield to
/// drawing and read each loss back asynchronously between steps.
pub struct Adapter {
    head: Linear,
    dropout: Dropout,
    optimizer: ModuleOptimizer,
    user: (Tensor<2>, Vec<u8>),
    replay: (Tensor<2>, Vec<u8>),
    config: AdaptConfig,
    rng: SmallRng,
    done: usize,
}

impl Adapter {
    /// Starts from `model`'s output layer, on `device`'s autodiff twin. `user` and `replay`
    /// are [`Cnn::dense`] features (on `device`) and their labels; neither may be empty.
    pub fn new(
        model: &Cnn,
        user: (Tensor<2>, Vec<u8>),
        replay: (Tensor<2>, Vec<u8>),
        config: AdaptConfig,
        seed: u64,
    ) -> Self {
        let device = user.0.device().autodiff();
        Self {
            head: model.output_layer().fork(&device).train(),
            dropout: DropoutConfig::new(crate::network::DROPOUT).init(),
            optimizer: AdamConfig::new().init(),
            user,
            replay,
            config,
            rng: SmallRng::seed_from_u64(seed),
            done: 0,
        }
    }

    /// Steps taken so far.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Whether every step has been taken.
    pub fn finished(&self) -> bool {
        self.done >= self.config.steps
    }

    /// One Adam step on a batch mixing the user's examples and replayed digits. Returns the
    /// batch's mean cross-entropy (before the update), still on the device.
    pub fn step(&mut self) -> Tensor<1> {
        let from_user = ((self.config.batch as f64 * self.config.user_share).round() as usize)
            .clamp(1, self.config.batch);
        let mut parts = vec![self.pick(true, from_user)];
        if from_user < self.config.batch {
            parts.push(self.pick(false, self.config.batch - from_user));
        }
        let labels: Vec<i64> = parts.iter().flat_map(|(_, l)| l.clone()).collect();
        let features = Tensor::cat(parts.into_iter().map(|(f, _)| f).collect(), 0);
        let device = self.head.weight.device();
        let targets =
            Tensor::<1, Int>::from_data(TensorData::new(labels.clone(), [labels.len()]), &device);
        let logits = self.head.forward(self.dropout.forward(features.autodiff()));
        let loss = CrossEntropyLossConfig::new()
            .init(&device)
            .forward(logits, targets);
        let grads = GradientsParams::from_grads(loss.backward(), &self.head);
        self.head = self
            .optimizer
            .step(self.config.rate, self.head.clone(), grads);
        self.done += 1;
        loss.inner()
    }

    /// `model` answering with the adapted output layer.
    pub fn adapted(&self, model: Cnn) -> Cnn {
        model.with_output_layer(self.head.valid())
    }

    /// The adapted output layer's weight `[1024, 10]` and bias `[10]`, on the device it was
    /// adapted on (to be read back asynchronously where that is a GPU).
    pub fn output(&self) -> (Tensor<2>, Tensor<1>) {
        let head = self.head.valid();
        let bias = head.bias.as_ref().map_or_else(
            || Tensor::zeros([NUM_CLASSES], &head.weight.device()),
            |b| b.val(),
        );
        (head.weight.val(), bias)
    }

    /// `count` rows drawn at random from the user's features or the replayed ones.
    fn pick(&mut self, user: bool, count: usize) -> (Tensor<2>, Vec<i64>) {
        let (features, labels) = if user { &self.user } else { &self.replay };
        let rows: Vec<usize> = (0..count)
            .map(|_| self.rng.random_range(0..labels.len()))
            .collect();
        let device = features.device();
        let indices = Tensor::<1, Int>::from_data(
            TensorData::new(rows.iter().map(|&r| r as i64).collect::<Vec<_>>(), [count]),
            &device,
        );
        (
            features.clone().select(0, indices),
            rows.iter().map(|&r| i64::from(labels[r])).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(seed: u64) -> [f32; IMAGE_PIXELS] {
        let mut rng = SmallRng::seed_from_u64(seed);
        std::array::from_fn(|_| if rng.random_bool(0.2) { 1.0 } else { 0.0 })
    }

    fn predictions(model: &Cnn, inputs: &[[f32; IMAGE_PIXELS]], device: &Device) -> Vec<usize> {
        let logits = model.forward(images_tensor(inputs, device));
        let values = logits
            .into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .unwrap();
        values
            .chunks(NUM_CLASSES)
            .map(|row| {
                (0..NUM_CLASSES)
                    .max_by(|&a, &b| row[a].total_cmp(&row[b]))
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn adapting_teaches_the_examples_and_keeps_the_layers_below() {
        let device = Device::flex();
        let model = Cnn::new(&device);
        let taught: Vec<Example> = (0..3)
            .map(|i| Example {
                input: image(i),
                label: 3,
            })
            .collect();
        let config = AdaptConfig {
            steps: 60,
            rate: 1e-2,
            ..AdaptConfig::default()
        };
        let mut rng = SmallRng::seed_from_u64(1);
        let (images, labels) = variants(&taught, &config, &device, &mut rng);
        assert_eq!(images.dims(), [12, 1, 28, 28]);
        assert_eq!(&labels[..3], &[3, 3, 3]);
        let replay_inputs: Vec<_> = (10..40).map(image).collect();
        let replay_labels = (0..30)
            .map(|i| (i % 10) as u8)
            .filter(|&l| l != 3)
            .cycle()
            .take(30)
            .collect();
        let replay = (
            model.dense(images_tensor(&replay_inputs, &device)),
            replay_labels,
        );
        let mut adapter = Adapter::new(&model, (model.dense(images), labels), replay, config, 1);
        while !adapter.finished() {
            assert!(adapter.step().into_scalar::<f32>().is_finite());
        }
        assert_eq!(adapter.done(), 60);
        let adapted = adapter.adapted(model.clone());
        let inputs: Vec<_> = taught.iter().map(|e| e.input).collect();
        assert_eq!(predictions(&adapted, &inputs, &device), vec![3, 3, 3]);
        let dense = |m: &Cnn| m.dense(images_tensor(&inputs, &device)).into_data();
        assert_eq!(dense(&adapted), dense(&model));
    }
}
