//! "Is this a digit at all?" A letter or a scribble can still get a confident answer, because
//! the softmax only compares the ten digits with each other. Its dense-layer features, though,
//! lie far from where the network puts any digit: the distance to the nearest digit class
//! (Mahalanobis, with the within-class spread shared by all classes) tells them apart.
//!
//! The spread is kept to its [`RANK`] main directions plus one variance for all the rest, so
//! the statistics are small enough for the weights file's metadata ([`KEY_NOVELTY`]). The
//! trainer fits them (`trainer calibrate`) on training digits drawn every way the app sees
//! them, and sets the [`Novelty::limit`] so that few validation digits pass it; the page and
//! `trainer predict` answer "not sure" beyond it. Teaching changes only the output layer, so a
//! personal weights file keeps its base's statistics.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use burn::tensor::{Int, Tensor, TensorData, f16};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::network::{HIDDEN, NUM_CLASSES};

/// Metadata key of the statistics in a weights file.
pub const KEY_NOVELTY: &str = "novelty";
/// Main directions of the spread kept (measured: 16 catches fewer letters, 64 few more for
/// twice the size; docs/numbers.md).
pub const RANK: usize = 32;
/// Version of the encoding, its first byte.
const ENCODING: u8 = 1;
/// Power iterations of the fit (the directions settle long before).
const ITERATIONS: usize = 100;

/// Where the network puts digits, in its dense layer's features.
#[derive(Debug, Clone, PartialEq)]
pub struct Novelty {
    /// `[10, HIDDEN]`: each digit's mean.
    means: Vec<f32>,
    /// `[RANK, HIDDEN]`: the main directions of the spread around them, orthonormal.
    basis: Vec<f32>,
    /// `[RANK]`: the variance along each.
    variances: Vec<f32>,
    /// The variance along every other direction, on average.
    rest: f32,
    /// A score above this is "unlike any digit".
    pub limit: f32,
}

impl Novelty {
    /// Fits the statistics to the dense features `[n, HIDDEN]` of digits with `labels` (the
    /// limit is left infinite: see [`Self::with_limit`]). Needs synchronous read-backs: for
    /// the trainer, not the browser.
    pub fn fit(features: Tensor<2>, labels: &[u8]) -> Self {
        let device = features.device();
        let [n, width] = features.dims();
        assert_eq!(
            (n, width),
            (labels.len(), HIDDEN),
            "one label per feature row"
        );
        let classes: Vec<i64> = labels.iter().map(|&l| i64::from(l)).collect();
        let one_hot = Tensor::<1, Int>::from_data(TensorData::new(classes, [n]), &device)
            .one_hot::<2>(NUM_CLASSES)
            .float();
        let counts = one_hot.clone().sum_dim(0).clamp_min(1.0).transpose();
        let means = one_hot
            .clone()
            .transpose()
            .matmul(features.clone())
            .div(counts);
        let centred = features - one_hot.matmul(means.clone());
        let covariance = centred
            .clone()
            .transpose()
            .matmul(centred)
            .div_scalar(n as f32);
        let covariance: Vec<f64> = read(covariance).into_iter().map(f64::from).collect();

        let (basis, variances) = main_directions(&covariance, HIDDEN, RANK);
        let trace: f64 = (0..HIDDEN).map(|i| covariance[i * HIDDEN + i]).sum();
        let rest = (trace - variances.iter().sum::<f64>()) / (HIDDEN - RANK) as f64;
        // Directions with (next to) no spread would make any step along them infinitely far.
        let floor = (1e-6 * trace / HIDDEN as f64).max(f64::from(f32::MIN_POSITIVE));
        Self {
            means: read(means),
            basis: basis.iter().map(|&v| v as f32).collect(),
            variances: variances.iter().map(|&v| v.max(floor) as f32).collect(),
            rest: rest.max(floor) as f32,
            limit: f32::INFINITY,
        }
    }

    /// The same statistics with the limit at the `share`-quantile of `scores` (of digits not
    /// fitted on): that share of such digits stays under it.
    pub fn with_limit(self, scores: &[f32], share: f64) -> Self {
        let mut sorted: Vec<f32> = scores.iter().copied().filter(|s| s.is_finite()).collect();
        sorted.sort_by(f32::total_cmp);
        let at = ((sorted.len() as f64 * share).ceil() as usize).clamp(1, sorted.len().max(1));
        let limit = sorted.get(at - 1).copied().unwrap_or(f32::INFINITY);
        Self { limit, ..self }
    }

    /// The squared Mahalanobis distance of each row of `dense` (`[n, HIDDEN]`, the dense
    /// layer's features) to the nearest digit's mean, `[n, 1]`, on the features' device.
    pub fn scores(&self, dense: Tensor<2>) -> Tensor<2> {
        let device = dense.device();
        let n = dense.dims()[0];
        let tensor = |values: &[f32], shape: [usize; 2]| {
            Tensor::<2>::from_data(TensorData::new(values.to_vec(), shape), &device)
        };
        let means = tensor(&self.means, [NUM_CLASSES, HIDDEN]);
        let basis = tensor(&self.basis, [RANK, HIDDEN]).transpose();
        let inverse = tensor(&self.variances, [1, RANK])
            .recip()
            .unsqueeze_dim::<3>(0);

        // Along the main directions: (x - m)·B = x·B - m·B, each [n, 10, RANK].
        let along = dense.clone().matmul(basis.clone()).unsqueeze_dim::<3>(1)
            - means.clone().matmul(basis).unsqueeze_dim::<3>(0);
        let along = along.square();
        let main = (along.clone() * inverse)
            .sum_dim(2)
            .reshape([n, NUM_CLASSES]);
        let projected = along.sum_dim(2).reshape([n, NUM_CLASSES]);
        // |x - m|² = |x|² - 2 x·m + |m|², [n, 10]; what the directions do not hold is the rest.
        let squared = dense.clone().square().sum_dim(1)
            - dense.matmul(means.clone().transpose()).mul_scalar(2.0)
            + means.square().sum_dim(1).transpose();
        let rest = (squared - projected).clamp_min(0.0).div_scalar(self.rest);
        (main + rest).min_dim(1)
    }

    /// Whether a score is beyond the limit: unlike any digit.
    pub fn unlike_any_digit(&self, score: f32) -> bool {
        score > self.limit
    }

    /// The statistics as metadata text: base64 of a version byte, the limit and the rest's
    /// variance (f32), the variances (f32), then the means and directions (f16).
    pub fn encode(&self) -> String {
        let mut bytes = vec![ENCODING];
        for value in [self.limit, self.rest].iter().chain(&self.variances) {
            bytes.extend(value.to_le_bytes());
        }
        for value in self.means.iter().chain(&self.basis) {
            bytes.extend(f16::from_f32(*value).to_le_bytes());
        }
        STANDARD.encode(bytes)
    }

    /// Reads [`Self::encode`]'s text, or says what is wrong with it.
    pub fn decode(text: &str) -> Result<Self, String> {
        let bytes = STANDARD
            .decode(text)
            .map_err(|e| format!("its novelty statistics are not base64 ({e})"))?;
        let f32s = 2 + RANK;
        let f16s = (NUM_CLASSES + RANK) * HIDDEN;
        if bytes.first() != Some(&ENCODING) || bytes.len() != 1 + 4 * f32s + 2 * f16s {
            return Err(format!(
                "its novelty statistics are {} bytes of an unknown layout",
                bytes.len()
            ));
        }
        let (wide, narrow) = bytes[1..].split_at(4 * f32s);
        let wide: Vec<f32> = wide
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let narrow: Vec<f32> = narrow
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect();
        let positive = |v: &f32| v.is_finite() && *v > 0.0;
        if !(wide[2..].iter().all(positive) && positive(&wide[1]))
            || wide[0].is_nan()
            || !narrow.iter().all(|v| v.is_finite())
        {
            return Err("its novelty statistics hold values out of range".into());
        }
        let (means, basis) = narrow.split_at(NUM_CLASSES * HIDDEN);
        Ok(Self {
            limit: wide[0],
            rest: wide[1],
            variances: wide[2..].to_vec(),
            means: means.to_vec(),
            basis: basis.to_vec(),
        })
    }
}

fn read(tensor: Tensor<2>) -> Vec<f32> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .expect("f32 values")
}

/// The `rank` eigenvectors of the symmetric `side`×`side` `matrix` with the largest
/// eigenvalues (rows of the first result) and those eigenvalues, by orthogonal iteration.
fn main_directions(matrix: &[f64], side: usize, rank: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = SmallRng::seed_from_u64(1);
    let mut vectors: Vec<Vec<f64>> = (0..rank)
        .map(|_| (0..side).map(|_| rng.random_range(-1.0..1.0)).collect())
        .collect();
    let times = |v: &[f64]| -> Vec<f64> {
        matrix
            .chunks_exact(side)
            .map(|row| row.iter().zip(v).map(|(a, b)| a * b).sum())
            .collect()
    };
    orthonormalise(&mut vectors);
    for _ in 0..ITERATIONS {
        vectors = vectors.iter().map(|v| times(v)).collect();
        orthonormalise(&mut vectors);
    }
    let values = vectors
        .iter()
        .map(|v| times(v).iter().zip(v).map(|(a, b)| a * b).sum())
        .collect();
    (vectors.concat(), values)
}

/// Modified Gram–Schmidt, in place.
fn orthonormalise(vectors: &mut [Vec<f64>]) {
    for i in 0..vectors.len() {
        let (done, rest) = vectors.split_at_mut(i);
        let v = &mut rest[0];
        for u in done.iter() {
            let dot: f64 = u.iter().zip(v.iter()).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(u).for_each(|(x, y)| *x -= dot * y);
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-30);
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::Device;

    use super::*;

    /// Features of ten clusters spread mostly along one direction each.
    fn clusters(per_class: usize) -> (Vec<f32>, Vec<u8>) {
        let mut rng = SmallRng::seed_from_u64(3);
        let mut features = Vec::new();
        let mut labels = Vec::new();
        for class in 0..NUM_CLASSES {
            for _ in 0..per_class {
                let stretch = rng.random_range(-3.0..3.0f32);
                features.extend((0..HIDDEN).map(|i| {
                    let centre = if i % NUM_CLASSES == class { 5.0 } else { 0.0 };
                    let along = if i == HIDDEN - 1 { stretch } else { 0.0 };
                    centre + along + rng.random_range(-0.1..0.1)
                }));
                labels.push(class as u8);
            }
        }
        (features, labels)
    }

    fn fitted() -> (Novelty, Device) {
        let device = Device::flex();
        let (features, labels) = clusters(40);
        let n = labels.len();
        let features = Tensor::<2>::from_data(TensorData::new(features, [n, HIDDEN]), &device);
        (Novelty::fit(features, &labels), device)
    }

    #[test]
    fn finds_the_main_direction_of_the_spread() {
        let (novelty, _) = fitted();
        // The first direction is the last feature, where every class spreads (variance 3).
        assert!(
            novelty.basis[HIDDEN - 1].abs() > 0.99,
            "{}",
            novelty.basis[HIDDEN - 1]
        );
        assert!(
            (novelty.variances[0] - 3.0).abs() < 0.6,
            "{:?}",
            novelty.variances
        );
        assert!(novelty.rest < 0.01, "{}", novelty.rest);
    }

    #[test]
    fn a_point_off_every_class_scores_far_higher_than_one_along_a_class() {
        let (novelty, device) = fitted();
        let mut along = vec![0.0f32; HIDDEN];
        let mut off = vec![0.0f32; HIDDEN];
        for i in (0..HIDDEN).filter(|i| i % NUM_CLASSES == 4) {
            along[i] = 5.0;
            off[i] = 2.5; // halfway to nothing
        }
        along[HIDDEN - 1] = 2.5; // far along the spread: still a 4
        let both =
            Tensor::<2>::from_data(TensorData::new([along, off].concat(), [2, HIDDEN]), &device);
        let scores = read(novelty.scores(both));
        assert!(scores[1] > 100.0 * scores[0], "{scores:?}");
        let novelty = novelty.with_limit(&scores, 0.5);
        assert!(!novelty.unlike_any_digit(scores[0]) && novelty.unlike_any_digit(scores[1]));
    }

    #[test]
    fn round_trips_through_metadata_text_and_refuses_damage() {
        let (novelty, _) = fitted();
        let novelty = novelty.with_limit(&[1.0, 2.0, 3.0, 4.0], 0.75);
        assert_eq!(novelty.limit, 3.0);
        let text = novelty.encode();
        let back = Novelty::decode(&text).unwrap();
        assert_eq!((back.limit, back.rest), (novelty.limit, novelty.rest));
        assert_eq!(back.variances, novelty.variances);
        let close = back.means.iter().zip(&novelty.means);
        assert!(
            close
                .into_iter()
                .all(|(a, b)| (a - b).abs() <= 1e-2 * b.abs().max(1.0))
        );

        assert!(Novelty::decode("not base64!").is_err());
        assert!(Novelty::decode(&text[..text.len() / 2]).is_err());
        let mut bytes = STANDARD.decode(&text).unwrap();
        bytes[5..9].copy_from_slice(&(-1.0f32).to_le_bytes()); // the rest's variance
        assert!(Novelty::decode(&STANDARD.encode(bytes)).is_err());
    }
}
