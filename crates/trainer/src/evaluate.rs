//! Test-set accuracy, per-class accuracy and the confusion matrix.

use burn::tensor::Device;
use burn::tensor::activation::softmax;
use mnist_model::calibration::probabilities;
use mnist_model::{Cnn, NUM_CLASSES};
use serde::Serialize;

use crate::mnist::Split;

/// Images per forward pass when evaluating: small enough that the largest activation
/// (128 × 32 × 28 × 28 floats, 12.8 MB) stays in memory the allocator keeps for reuse
/// (see [`crate::memory`]). Batches of 500 mapped and faulted in theirs afresh each time
/// (5× the page faults) and were no faster.
pub const EVAL_BATCH: usize = 128;

/// How a model did on a labelled set.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Share of images classified correctly, 0..1.
    pub accuracy: f64,
    /// Images evaluated.
    pub n: usize,
    /// Mean cross-entropy loss.
    pub loss: f64,
    /// Accuracy on the images of each digit, 0..1.
    pub per_class: [f64; NUM_CLASSES],
    /// `confusion[truth][predicted]` counts.
    pub confusion: [[usize; NUM_CLASSES]; NUM_CLASSES],
}

/// Evaluates `model` (on a non-autodiff `device`) on every image of `split`.
pub fn evaluate(model: &Cnn, split: &Split, device: &Device) -> Report {
    let mut confusion = [[0usize; NUM_CLASSES]; NUM_CLASSES];
    let mut loss = 0.0f64;
    let indices: Vec<usize> = (0..split.len()).collect();
    for chunk in indices.chunks(EVAL_BATCH) {
        let (images, _) = split.batch(chunk, device);
        let probabilities = softmax(model.forward(images), 1)
            .into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .expect("probabilities are f32");
        for (row, &i) in probabilities.chunks(NUM_CLASSES).zip(chunk) {
            tally(&mut confusion, &mut loss, row, split.labels[i]);
        }
    }
    report(confusion, loss)
}

/// The same report from logits already computed (e.g. by [`crate::logits::of`]) and labels.
pub fn from_logits(logits: &[[f32; NUM_CLASSES]], labels: &[u8]) -> Report {
    let mut confusion = [[0usize; NUM_CLASSES]; NUM_CLASSES];
    let mut loss = 0.0f64;
    for (l, &label) in logits.iter().zip(labels) {
        tally(&mut confusion, &mut loss, &probabilities(l, 1.0), label);
    }
    report(confusion, loss)
}

/// Counts one answer (its probabilities) for an image of digit `label`.
fn tally(
    confusion: &mut [[usize; NUM_CLASSES]; NUM_CLASSES],
    loss: &mut f64,
    probabilities: &[f32],
    label: u8,
) {
    let truth = label as usize;
    confusion[truth][argmax(probabilities)] += 1;
    *loss -= (probabilities[truth].max(1e-12) as f64).ln();
}

fn report(confusion: [[usize; NUM_CLASSES]; NUM_CLASSES], loss: f64) -> Report {
    let n: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..NUM_CLASSES).map(|d| confusion[d][d]).sum();
    let mut per_class = [0.0; NUM_CLASSES];
    for (d, acc) in per_class.iter_mut().enumerate() {
        let total: usize = confusion[d].iter().sum();
        *acc = if total == 0 {
            0.0
        } else {
            confusion[d][d] as f64 / total as f64
        };
    }
    Report {
        accuracy: if n == 0 {
            0.0
        } else {
            correct as f64 / n as f64
        },
        n,
        loss: if n == 0 { 0.0 } else { loss / n as f64 },
        per_class,
        confusion,
    }
}

/// Index of the largest value.
pub fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, &v)| {
            if v > best.1 { (i, v) } else { best }
        })
        .0
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "test accuracy: {:.2}% ({} of {} images), loss {:.4}",
            100.0 * self.accuracy,
            (0..NUM_CLASSES)
                .map(|d| self.confusion[d][d])
                .sum::<usize>(),
            self.n,
            self.loss
        )?;
        writeln!(f, "\nper class:")?;
        for (d, acc) in self.per_class.iter().enumerate() {
            writeln!(f, "  {d}: {:6.2}%", 100.0 * acc)?;
        }
        writeln!(f, "\nconfusion (rows: truth, columns: predicted):")?;
        write!(f, "     ")?;
        for d in 0..NUM_CLASSES {
            write!(f, "{d:>6}")?;
        }
        for (d, row) in self.confusion.iter().enumerate() {
            write!(f, "\n  {d}: ")?;
            for count in row {
                write!(f, "{count:>6}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_a_confusion_matrix() {
        let mut confusion = [[0; NUM_CLASSES]; NUM_CLASSES];
        confusion[3][3] = 3;
        confusion[3][8] = 1;
        confusion[7][7] = 4;
        let r = report(confusion, 2.0);
        assert_eq!(r.n, 8);
        assert!((r.accuracy - 7.0 / 8.0).abs() < 1e-12);
        assert!((r.per_class[3] - 0.75).abs() < 1e-12);
        assert_eq!(r.per_class[7], 1.0);
        assert_eq!(argmax(&[0.1, 0.7, 0.2]), 1);
    }
}
