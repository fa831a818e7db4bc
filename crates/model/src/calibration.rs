//! Honest confidence. A network trained with cross-entropy is over-confident: temperature
//! scaling divides its logits by one number fitted on held-out images, so that "90 % sure" is
//! right about 90 % of the time, and an answer whose top probability is below [`SURE_AT_LEAST`]
//! is reported as "not sure" with its two best guesses. The temperature travels in the weights
//! file's metadata (see [`crate::weights`]). Confidence cannot tell a letter from a digit; an
//! answer is also "not sure" when [`crate::novelty`] finds the input unlike any digit.

use crate::network::NUM_CLASSES;

/// Metadata key of the fitted temperature in a weights file.
pub const KEY_TEMPERATURE: &str = "temperature";
/// A top probability (after temperature scaling) below this is "not sure": about 1 % of MNIST's
/// test digits, among them most of the network's mistakes. Chosen by measurement (`trainer
/// calibrate` prints the trade-off at each threshold; docs/numbers.md records it).
pub const SURE_AT_LEAST: f32 = 0.85;
/// Bins of the expected calibration error.
const ECE_BINS: usize = 15;

/// Softmax of `logits / temperature`.
pub fn probabilities(logits: &[f32; NUM_CLASSES], temperature: f32) -> [f32; NUM_CLASSES] {
    let scaled = logits.map(|l| l / temperature);
    let max = scaled.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp = scaled.map(|l| (l - max).exp());
    let sum: f32 = exp.iter().sum();
    exp.map(|e| e / sum)
}

/// What an answer amounts to: the best digit, how sure, and the runner-up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    pub digit: usize,
    pub confidence: f32,
    /// The second most likely digit.
    pub runner_up: usize,
    /// Whether the input lies far from every digit the network knows (see
    /// [`crate::novelty`]): a letter, a scribble, whatever its confidence.
    pub unlike_any_digit: bool,
    /// Whether `confidence` reaches [`SURE_AT_LEAST`] and the input is like a digit.
    pub sure: bool,
}

impl Verdict {
    /// The verdict on confidence alone.
    pub fn of(probabilities: &[f32; NUM_CLASSES]) -> Self {
        Self::judged(probabilities, false)
    }

    /// The verdict on confidence and on whether the input is `unlike_any_digit`.
    pub fn judged(probabilities: &[f32; NUM_CLASSES], unlike_any_digit: bool) -> Self {
        let mut order: [usize; NUM_CLASSES] = std::array::from_fn(|d| d);
        order.sort_by(|&a, &b| probabilities[b].total_cmp(&probabilities[a]));
        let confidence = probabilities[order[0]];
        Self {
            digit: order[0],
            confidence,
            runner_up: order[1],
            unlike_any_digit,
            sure: confidence >= SURE_AT_LEAST && !unlike_any_digit,
        }
    }

    /// The digits named when not sure: the two best guesses, or for an input unlike any
    /// digit only the nearest.
    pub fn guesses(&self) -> impl Iterator<Item = usize> {
        let runner_up = (!self.unlike_any_digit).then_some(self.runner_up);
        std::iter::once(self.digit).chain(runner_up)
    }

    /// Whether `digit` is among the [`guesses`](Self::guesses).
    pub fn names(&self, digit: usize) -> bool {
        self.guesses().any(|guess| guess == digit)
    }

    /// What to say instead of one digit when not sure: "4 or 9?", or for an input unlike
    /// any digit "a digit? nearest 4".
    pub fn doubt(&self) -> String {
        let guesses: Vec<String> = self.guesses().map(|d| d.to_string()).collect();
        match guesses.as_slice() {
            [nearest] => format!("a digit? nearest {nearest}"),
            _ => format!("{}?", guesses.join(" or ")),
        }
    }
}

/// Mean negative log-likelihood of `labels` under `logits / temperature`.
pub fn nll(logits: &[[f32; NUM_CLASSES]], labels: &[u8], temperature: f32) -> f64 {
    let total: f64 = logits
        .iter()
        .zip(labels)
        .map(|(l, &y)| -f64::from(probabilities(l, temperature)[y as usize].max(1e-12)).ln())
        .sum();
    total / logits.len().max(1) as f64
}

/// The temperature that minimises the negative log-likelihood of `labels` (golden-section search
/// over its logarithm, 0.05 to 20): the one number temperature scaling fits.
pub fn fit_temperature(logits: &[[f32; NUM_CLASSES]], labels: &[u8]) -> f32 {
    let loss = |log_t: f64| nll(logits, labels, log_t.exp() as f32);
    let golden = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (0.05f64.ln(), 20f64.ln());
    let mut c = b - golden * (b - a);
    let mut d = a + golden * (b - a);
    let (mut fc, mut fd) = (loss(c), loss(d));
    for _ in 0..60 {
        if fc < fd {
            (b, d, fd) = (d, c, fc);
            c = b - golden * (b - a);
            fc = loss(c);
        } else {
            (a, c, fc) = (c, d, fd);
            d = a + golden * (b - a);
            fd = loss(d);
        }
    }
    ((a + b) / 2.0).exp() as f32
}

/// Expected calibration error: how far, weighted by how many answers fall in each of 15
/// confidence bins, the mean confidence is from the accuracy. 0 is perfectly calibrated.
pub fn expected_calibration_error(probabilities: &[[f32; NUM_CLASSES]], labels: &[u8]) -> f64 {
    let mut bins = [(0usize, 0f64, 0usize); ECE_BINS]; // (count, confidence sum, correct)
    for (p, &y) in probabilities.iter().zip(labels) {
        let v = Verdict::of(p);
        let bin = ((v.confidence * ECE_BINS as f32) as usize).min(ECE_BINS - 1);
        bins[bin].0 += 1;
        bins[bin].1 += f64::from(v.confidence);
        bins[bin].2 += usize::from(v.digit == y as usize);
    }
    let n = probabilities.len().max(1) as f64;
    bins.iter()
        .filter(|b| b.0 > 0)
        .map(|&(count, confidence, correct)| {
            let count_f = count as f64;
            (count_f / n) * (confidence / count_f - correct as f64 / count_f).abs()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_higher_temperature_softens_the_answer() {
        let logits = [5.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let sharp = probabilities(&logits, 1.0);
        let soft = probabilities(&logits, 3.0);
        assert!((sharp.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(soft[0] < sharp[0] && soft[0] > soft[1]);
        let v = Verdict::of(&soft);
        assert_eq!((v.digit, v.runner_up), (0, 1));
        assert!(Verdict::of(&sharp).sure && !v.sure, "{sharp:?} {soft:?}");
    }

    #[test]
    fn not_sure_names_two_guesses_or_only_the_nearest() {
        let mut p = [0.01f32; NUM_CLASSES];
        p[4] = 0.5;
        p[9] = 0.42;
        let doubt = Verdict::judged(&p, false);
        assert_eq!(doubt.doubt(), "4 or 9?");
        assert!(doubt.names(4) && doubt.names(9) && !doubt.names(7));
        let novel = Verdict::judged(&p, true);
        assert_eq!(novel.doubt(), "a digit? nearest 4");
        assert!(novel.names(4) && !novel.names(9));
    }

    /// Logits whose softmax at temperature `t` is the true distribution of their labels: the
    /// fit must find `t` again.
    #[test]
    fn recovers_the_temperature_of_over_confident_logits() {
        let mut logits = Vec::new();
        let mut labels = Vec::new();
        let t = 2.5f32;
        // For each margin, label frequencies follow softmax(logits / t) over digits 0 and 1.
        for margin in [0.5f32, 1.0, 2.0, 3.0, 5.0, 8.0] {
            let mut l = [-20.0f32; NUM_CLASSES];
            l[0] = margin;
            l[1] = 0.0;
            let p = probabilities(&l, t);
            let ones = (1000.0 * p[1]).round() as usize;
            for i in 0..1000 {
                logits.push(l);
                labels.push(if i < ones { 1 } else { 0 });
            }
        }
        let fitted = fit_temperature(&logits, &labels);
        assert!((fitted - t).abs() < 0.1, "fitted {fitted}");
        assert!(nll(&logits, &labels, fitted) < nll(&logits, &labels, 1.0));
        let before: Vec<_> = logits.iter().map(|l| probabilities(l, 1.0)).collect();
        let after: Vec<_> = logits.iter().map(|l| probabilities(l, fitted)).collect();
        let (e1, e2) = (
            expected_calibration_error(&before, &labels),
            expected_calibration_error(&after, &labels),
        );
        assert!(e2 < e1 && e2 < 0.02, "ECE before {e1}, after {e2}");
    }
}
