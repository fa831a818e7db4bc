//! How the page answers a set, not only whether its best guess is right: sure (calibrated
//! confidence at least `SURE_AT_LEAST` and like a digit) and right, "not sure: 4 or 9?" with
//! the right digit one of the two it names, "not sure" without it, or sure and wrong. A user
//! is misled only by the last.

use burn::tensor::Device;
use mnist_model::recogniser::{Answer, Recogniser};
use mnist_model::{IMAGE_PIXELS, NUM_CLASSES};
use serde::{Deserialize, Serialize};

use crate::logits;

/// Shares of a set's digits by how the page answers them; they add up to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Verdicts {
    pub sure_right: f64,
    /// "Not sure", naming the right digit as one of its two best guesses.
    pub unsure_named: f64,
    /// "Not sure", naming two other digits.
    pub unsure_unnamed: f64,
    pub sure_wrong: f64,
}

impl Verdicts {
    /// How `answers` answer digits labelled `labels`.
    pub fn of(answers: &[Answer], labels: &[u8]) -> Self {
        let mut counts = [0usize; 4];
        for (answer, &label) in answers.iter().zip(labels) {
            let verdict = answer.verdict();
            let label = usize::from(label);
            counts[match (verdict.sure, verdict.digit == label, verdict.names(label)) {
                (true, true, _) => 0,
                (false, _, true) => 1,
                (false, _, false) => 2,
                (true, false, _) => 3,
            }] += 1;
        }
        let share = |k: usize| counts[k] as f64 / labels.len().max(1) as f64;
        Self {
            sure_right: share(0),
            unsure_named: share(1),
            unsure_unnamed: share(2),
            sure_wrong: share(3),
        }
    }
}

/// The page's answers to `inputs`, as its engines compute them: dense features, then the
/// recogniser's logits, calibrated probabilities and novelty.
pub fn answers(
    recogniser: &Recogniser,
    inputs: &[[f32; IMAGE_PIXELS]],
    device: &Device,
) -> Vec<Answer> {
    let dense = logits::dense(&recogniser.model, inputs, device);
    Answer::rows(
        &logits::column(recogniser.answers(dense)),
        recogniser.novelty_limit(),
    )
}

/// The logits of `answers`, a row each.
pub fn logits_of(answers: &[Answer]) -> Vec<[f32; NUM_CLASSES]> {
    answers.iter().map(|answer| answer.logits).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(probabilities: [f32; NUM_CLASSES], unlike_any_digit: bool) -> Answer {
        Answer {
            logits: probabilities.map(f32::ln),
            probabilities,
            unlike_any_digit,
        }
    }

    /// Probability `best` on digit `first`, the rest on `second`.
    fn split(first: usize, second: usize, best: f32) -> [f32; NUM_CLASSES] {
        let mut p = [1e-6; NUM_CLASSES];
        p[first] = best;
        p[second] = 1.0 - best;
        p
    }

    #[test]
    fn each_answer_falls_in_one_kind() {
        let answers = [
            answer(split(3, 5, 0.99), false), // sure, right
            answer(split(5, 3, 0.6), false),  // not sure: 5 or 3?, 3 named
            answer(split(8, 9, 0.6), false),  // not sure: 8 or 9?, 3 not named
            answer(split(8, 3, 0.99), false), // sure, wrong
            answer(split(3, 5, 0.99), true),  // a digit? nearest 3: named
            answer(split(5, 3, 0.99), true),  // a digit? nearest 5: 3 not named
            answer(split(3, 5, 0.99), false), // sure, right
            answer(split(9, 3, 0.9), false),  // sure, wrong
        ];
        let verdicts = Verdicts::of(&answers, &[3; 8]);
        assert_eq!(
            verdicts,
            Verdicts {
                sure_right: 0.25,
                unsure_named: 0.25,
                unsure_unnamed: 0.25,
                sure_wrong: 0.25,
            }
        );
    }

    #[test]
    fn an_empty_set_has_no_shares() {
        let verdicts = Verdicts::of(&[], &[]);
        assert_eq!(verdicts.sure_right + verdicts.sure_wrong, 0.0);
    }
}
