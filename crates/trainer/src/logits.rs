//! Raw logits, read back in evaluation-sized batches: what calibration and the export's test
//! report work from, and what `trainer logits` prints for the first test images, as JSON, so that
//! two backends (or the page and the trainer) can be compared number by number.

use burn::tensor::{Device, Tensor};
use mnist_model::network::{HIDDEN, images_tensor};
use mnist_model::{Cnn, IMAGE_PIXELS, NUM_CLASSES};
use serde::Serialize;

use crate::evaluate::EVAL_BATCH;
use crate::mnist::Split;

/// The raw logits of `inputs`, in evaluation-sized batches.
pub fn of(model: &Cnn, inputs: &[[f32; IMAGE_PIXELS]], device: &Device) -> Vec<[f32; NUM_CLASSES]> {
    inputs
        .chunks(EVAL_BATCH)
        .flat_map(|chunk| {
            let (logits, _) = model.classify(chunk, device);
            let values = logits
                .into_data()
                .convert::<f32>()
                .try_to_vec::<f32>()
                .expect("f32 logits");
            values
                .chunks(NUM_CLASSES)
                .map(|row| std::array::from_fn(|d| row[d]))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The dense layer's features of `inputs` (`[n, 1024]`, on `device`), in evaluation-sized
/// batches: what the output layer and `mnist_model::novelty` read.
pub fn dense(model: &Cnn, inputs: &[[f32; IMAGE_PIXELS]], device: &Device) -> Tensor<2> {
    let parts: Vec<_> = inputs
        .chunks(EVAL_BATCH)
        .map(|chunk| model.dense(images_tensor(chunk, device)))
        .collect();
    if parts.is_empty() {
        return Tensor::zeros([0, HIDDEN], device);
    }
    Tensor::cat(parts, 0)
}

/// The logits the output layer makes of `dense` features.
pub fn from_dense(model: &Cnn, dense: Tensor<2>) -> Vec<[f32; NUM_CLASSES]> {
    column(model.output_layer().forward(dense))
        .chunks_exact(NUM_CLASSES)
        .map(|row| std::array::from_fn(|d| row[d]))
        .collect()
}

/// A tensor's values, row by row.
pub fn column(tensor: Tensor<2>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .expect("f32 values")
}

/// Every image of `split` as model input.
pub fn inputs(split: &Split) -> Vec<[f32; IMAGE_PIXELS]> {
    (0..split.len()).map(|i| split.input(i)).collect()
}

/// One test image: its index, label, the 784 inputs and the ten logits.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub index: usize,
    pub label: u8,
    pub input: Vec<f32>,
    pub logits: Vec<f32>,
}

/// The first `count` images of `split` (all of them if fewer).
pub fn first(model: &Cnn, split: &Split, count: usize, device: &Device) -> Vec<Row> {
    let inputs: Vec<_> = (0..count.min(split.len()))
        .map(|i| split.input(i))
        .collect();
    of(model, &inputs, device)
        .into_iter()
        .zip(inputs)
        .enumerate()
        .map(|(index, (logits, input))| Row {
            index,
            label: split.labels[index],
            input: input.to_vec(),
            logits: logits.to_vec(),
        })
        .collect()
}
