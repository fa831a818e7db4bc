//! The one answer path: a network with what its weights file says about reading it (the
//! temperature that calibrates its confidence, the statistics that tell inputs unlike any
//! digit), from features to answers: logits → temperature → probabilities, novelty → verdict.
//! The page's engines (on its thread or in its worker) and `trainer predict` all answer
//! through it.

use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor};

use crate::calibration::Verdict;
use crate::network::{Cnn, NUM_CLASSES};
use crate::novelty::Novelty;
use crate::weights::{self, WeightsError, WeightsInfo};

/// Values per input in [`Recogniser::answers`]: ten logits, ten probabilities, the novelty
/// score.
pub const ANSWER_ROW: usize = 2 * NUM_CLASSES + 1;

/// A network loaded from a weights file, with its calibration and novelty statistics.
#[derive(Debug)]
pub struct Recogniser {
    pub model: Cnn,
    /// Divides the logits before the softmax; 1 when the file has none (see
    /// [`crate::calibration`]).
    pub temperature: f32,
    /// Where the network puts digits, if the file says (see [`crate::novelty`]).
    pub novelty: Option<Novelty>,
    /// What the file says about itself (precision, date, checksum).
    pub info: WeightsInfo,
}

impl Recogniser {
    /// The network stored in the weights file `bytes`, on `device`.
    pub fn load(bytes: &[u8], device: &Device) -> Result<Self, WeightsError> {
        let (model, info) = weights::decode(bytes, device)?;
        Ok(Self {
            model,
            temperature: info.temperature()?,
            novelty: info.novelty()?,
            info,
        })
    }

    /// A novelty score above this is unlike any digit (infinite without statistics).
    pub fn novelty_limit(&self) -> f32 {
        self.novelty.as_ref().map_or(f32::INFINITY, |n| n.limit)
    }

    /// The answers to a batch's dense features ([`Cnn::dense`]), computed on their device:
    /// per input a row of [`ANSWER_ROW`] values, read back as one and made into [`Answer`]s by
    /// [`Answer::rows`].
    pub fn answers(&self, dense: Tensor<2>) -> Tensor<2> {
        let scores = match &self.novelty {
            Some(novelty) => novelty.scores(dense.clone()),
            None => Tensor::zeros([dense.dims()[0], 1], &dense.device()),
        };
        let logits = self.model.output_layer().forward(dense);
        let probabilities = softmax(logits.clone().div_scalar(self.temperature), 1);
        Tensor::cat(vec![logits, probabilities, scores], 1)
    }
}

/// One answer: raw logits, calibrated probabilities, and whether the input is unlike any
/// digit.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub logits: [f32; NUM_CLASSES],
    pub probabilities: [f32; NUM_CLASSES],
    pub unlike_any_digit: bool,
}

impl Answer {
    /// Rows of [`ANSWER_ROW`] values read back from [`Recogniser::answers`], as answers; a
    /// score above `novelty_limit` is unlike any digit.
    pub fn rows(values: &[f32], novelty_limit: f32) -> Vec<Answer> {
        values
            .chunks_exact(ANSWER_ROW)
            .map(|row| Answer {
                logits: std::array::from_fn(|d| row[d]),
                probabilities: std::array::from_fn(|d| row[NUM_CLASSES + d]),
                unlike_any_digit: row[ANSWER_ROW - 1] > novelty_limit,
            })
            .collect()
    }

    /// The best digit, how sure, the runner-up, and whether that is sure enough.
    pub fn verdict(&self) -> Verdict {
        Verdict::judged(&self.probabilities, self.unlike_any_digit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IMAGE_PIXELS;
    use crate::calibration::probabilities;
    use crate::network::images_tensor;
    use crate::weights::{Precision, encode, with_metadata};

    #[test]
    fn answers_are_the_logits_at_the_files_temperature() {
        let device = Device::flex();
        let bytes = encode(&Cnn::new(&device), Precision::F32, &[]).unwrap();
        let bytes = with_metadata(&bytes, &[("temperature", "2.5".into())]).unwrap();
        let recogniser = Recogniser::load(&bytes, &device).unwrap();
        assert_eq!(recogniser.temperature, 2.5);
        assert_eq!(recogniser.novelty_limit(), f32::INFINITY);

        let inputs: Vec<[f32; IMAGE_PIXELS]> = (0..3)
            .map(|k| std::array::from_fn(|i| ((i * (k + 3)) % 7) as f32 / 7.0))
            .collect();
        let dense = recogniser.model.dense(images_tensor(&inputs, &device));
        let values = recogniser
            .answers(dense)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        let answers = Answer::rows(&values, recogniser.novelty_limit());
        assert_eq!(answers.len(), 3);
        let logits = recogniser.model.forward(images_tensor(&inputs, &device));
        let logits = logits.into_data().try_to_vec::<f32>().unwrap();
        for (answer, expected) in answers.iter().zip(logits.chunks_exact(NUM_CLASSES)) {
            for (a, e) in answer.logits.iter().zip(expected) {
                assert!((a - e).abs() < 1e-4, "{a} vs {e}");
            }
            let calibrated = probabilities(&answer.logits, 2.5);
            for (p, q) in answer.probabilities.iter().zip(calibrated) {
                assert!((p - q).abs() < 1e-5, "{p} vs {q}");
            }
            assert!(!answer.unlike_any_digit);
        }
    }

    #[test]
    fn a_score_over_the_limit_is_unlike_any_digit() {
        let mut row = [0.0; ANSWER_ROW];
        row[ANSWER_ROW - 1] = 5.0;
        assert!(Answer::rows(&row, 4.0)[0].unlike_any_digit);
        assert!(!Answer::rows(&row, 5.0)[0].unlike_any_digit);
        assert!(
            Answer::rows(&row[1..], 4.0).is_empty(),
            "a short row is no answer"
        );
    }
}
