//! Two weights files read on the very same digits: how many each reads right that the other
//! misreads, and whether that difference is beyond chance (McNemar's exact test). The real
//! writers' validation sets are a few hundred digits, where a point is a handful of them, so a
//! recipe is chosen by this rather than by the two accuracies alone.

use std::fmt;

use mnist_model::NUM_CLASSES;
use serde::Serialize;

use crate::evaluate::argmax;

/// One set read by two weights files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paired {
    pub name: String,
    pub images: usize,
    /// Digits the first reads right and the second misreads.
    pub only_first: usize,
    /// Digits the second reads right and the first misreads.
    pub only_second: usize,
    /// The chance of a split at least this uneven if both read equally well (two-sided).
    pub p: f64,
}

impl Paired {
    /// `first` and `second` (each a network's logits for the same inputs) against `labels`.
    pub fn new(
        name: String,
        first: &[[f32; NUM_CLASSES]],
        second: &[[f32; NUM_CLASSES]],
        labels: &[u8],
    ) -> Self {
        let (mut only_first, mut only_second) = (0, 0);
        for ((a, b), &label) in first.iter().zip(second).zip(labels) {
            let (a, b) = (argmax(a) == label as usize, argmax(b) == label as usize);
            only_first += usize::from(a && !b);
            only_second += usize::from(b && !a);
        }
        Self {
            name,
            images: labels.len(),
            only_first,
            only_second,
            p: mcnemar(only_first, only_second),
        }
    }
}

/// McNemar's exact test: the two-sided binomial chance, at one half, of a split of the
/// `a + b` discordant digits at least as uneven as `a` to `b`.
pub fn mcnemar(a: usize, b: usize) -> f64 {
    let n = a + b;
    let (n_f, smaller) = (n as f64, a.min(b));
    // ln C(n, k), built up term by term, so that large n neither overflows nor underflows.
    let mut ln_choose = 0.0;
    let mut tail = 0.0;
    for k in 0..=smaller {
        if k > 0 {
            ln_choose += (n_f - k as f64 + 1.0).ln() - (k as f64).ln();
        }
        tail += (ln_choose - n_f * std::f64::consts::LN_2).exp();
    }
    (2.0 * tail).min(1.0)
}

/// The comparison of every set, as a table.
pub struct Comparison<'a>(pub &'a [Paired]);

impl fmt::Display for Comparison<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "digit by digit against --against's weights: read right by these alone, by those \
             alone, and the chance of a split so uneven between equals (McNemar, p)"
        )?;
        writeln!(
            f,
            "{:<16} {:>6} {:>11} {:>11} {:>7}",
            "set", "images", "these alone", "those alone", "p"
        )?;
        for set in self.0 {
            writeln!(
                f,
                "{:<16} {:>6} {:>11} {:>11} {:>7.3}",
                set.name, set.images, set.only_first, set.only_second, set.p
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_matches_the_binomial_tails() {
        assert_eq!(mcnemar(0, 0), 1.0);
        // 0 of 6: 2 × (1/2)^6.
        assert!((mcnemar(0, 6) - 0.03125).abs() < 1e-12);
        assert_eq!(mcnemar(6, 0), mcnemar(0, 6));
        // 5 of 17: 2 × Σ_{k≤5} C(17, k) / 2^17 = 2 × 9402 / 131072.
        assert!((mcnemar(5, 12) - 2.0 * 9402.0 / 131_072.0).abs() < 1e-12);
        assert_eq!(mcnemar(7, 7), 1.0);
        // Thousands of digits neither overflow nor underflow.
        assert!((mcnemar(4_900, 5_100) - 0.046_585_527_7).abs() < 1e-9);
    }

    #[test]
    fn only_the_digits_one_reads_right_and_the_other_not_count() {
        let read = |d: usize| std::array::from_fn(|i| if i == d { 1.0 } else { 0.0 });
        let labels = [1, 2, 3, 4];
        let first = [read(1), read(2), read(0), read(0)];
        let second = [read(1), read(0), read(3), read(0)];
        let paired = Paired::new("s".into(), &first, &second, &labels);
        assert_eq!((paired.only_first, paired.only_second), (1, 1));
        assert_eq!(paired.images, 4);
    }
}
