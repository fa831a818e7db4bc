//! `trainer logits`: the inputs and raw logits of the first test images, as JSON, so that two
//! backends (or the page and the trainer) can be compared number by number.

use burn::tensor::Device;
use mnist_model::{Cnn, NUM_CLASSES};
use serde::Serialize;

use crate::mnist::Split;

/// One test image: its index, label, the 784 inputs and the ten logits.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub index: usize,
    pub label: u8,
    pub input: Vec<f32>,
    pub logits: Vec<f32>,
}

/// The first `count` images of `split` (all of them if fewer), in one batch.
pub fn first(model: &Cnn, split: &Split, count: usize, device: &Device) -> Vec<Row> {
    let inputs: Vec<_> = (0..count.min(split.len()))
        .map(|i| split.input(i))
        .collect();
    if inputs.is_empty() {
        return Vec::new();
    }
    let (logits, _) = model.classify(&inputs, device);
    let logits = logits
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .expect("f32 logits");
    inputs
        .iter()
        .zip(logits.chunks(NUM_CLASSES))
        .enumerate()
        .map(|(index, (input, l))| Row {
            index,
            label: split.labels[index],
            input: input.to_vec(),
            logits: l.to_vec(),
        })
        .collect()
}
