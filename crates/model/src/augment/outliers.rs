//! Things that are not digits, for training the network to say so ("outlier exposure"). A
//! softmax over ten digits has no "none of these": trained on digits only, the network answers a
//! scribble or a letter as confidently as a digit. Shown these with the uniform distribution as
//! their target, it learns to spread its answer over them, so that the page's "not sure"
//! catches them. Measured, it did not: after calibration, letters and scribbles were no more
//! often "not sure" (docs/numbers.md), so training leaves it off unless asked.
//!
//! Two kinds, both unlike the probes that measure "not sure" (straight zig-zags and letters from
//! a font, `trainer calibrate`), so that the measure stays one of things never trained on:
//!
//! - smooth random curves, one or two, drawn with the pad's pen;
//! - training digits turned a quarter or mirrored, where that makes no digit (a 7 on its side, a
//!   mirrored 3): shapes made of digit-like strokes, as letters are.

use rand::Rng;

use super::PenAugmentation;
use crate::strokes::{Stroke, draw};
use crate::{IMAGE_PIXELS, IMAGE_SIDE};

/// Digits that are no digit when turned a quarter either way. A 0 or an 8 on its side, or a 1
/// lying down (a dash), could pass for one.
const TURNABLE: &[u8] = &[2, 3, 4, 5, 6, 7, 9];
/// Digits that are no digit when mirrored left to right (a mirrored 2 or 5 reads as the other
/// in some hands).
const MIRRORABLE: &[u8] = &[3, 4, 6, 7, 9];

/// How many non-digits to add to a batch of digits.
#[derive(Debug, Clone, Copy)]
pub struct Outliers {
    /// Non-digits per digit of the batch.
    pub share: f64,
    /// The pen's width for curves, as a share of the curve's longer side.
    pub pen_share: (f32, f32),
}

impl Outliers {
    /// `share` non-digits per digit, drawn with pens as wide as the pen augmentation's.
    pub fn new(share: f64) -> Self {
        Self {
            share,
            pen_share: PenAugmentation::default().pen_share,
        }
    }

    /// Non-digit inputs for a batch of `digits` (with their `labels`): half curves, half
    /// digits of the batch turned or mirrored.
    pub fn make(
        &self,
        digits: &[[f32; IMAGE_PIXELS]],
        labels: &[u8],
        rng: &mut impl Rng,
    ) -> Vec<[f32; IMAGE_PIXELS]> {
        let count = (digits.len() as f64 * self.share).round() as usize;
        let mut out = Vec::with_capacity(count);
        // Bounded: a batch without turnable digits, or curves that keep coming out as sticks,
        // gives fewer rather than looping.
        for _ in 0..count * 4 {
            if out.len() == count {
                break;
            }
            let made = if rng.random_bool(0.5) {
                self.curves(rng)
            } else {
                let i = rng.random_range(0..digits.len().max(1));
                digits
                    .get(i)
                    .and_then(|d| turned(d, labels[i], rng.random_range(0..3)))
            };
            out.extend(made);
        }
        out
    }

    /// One or two smooth curves through random points, drawn as the pad draws; `None` for a
    /// mark that could be a 1.
    fn curves(&self, rng: &mut impl Rng) -> Option<[f32; IMAGE_PIXELS]> {
        let strokes: Vec<Stroke> = (0..rng.random_range(1..=2))
            .map(|_| {
                let points: Vec<(f32, f32)> = (0..rng.random_range(3..=6))
                    .map(|_| (rng.random_range(0.0..1.0), rng.random_range(0.0..1.0)))
                    .collect();
                smooth(&points)
            })
            .collect();
        if could_be_a_one(&strokes) {
            return None;
        }
        let pen = rng.random_range(self.pen_share.0..=self.pen_share.1);
        let strokes: Vec<&Stroke> = strokes.iter().collect();
        draw(&strokes, pen).ok()
    }
}

/// Whether the marks are close to one straight line less than 55° from the vertical, as a
/// 1 is: their spread across their main direction is under a fifth of their spread along it.
fn could_be_a_one(strokes: &[Stroke]) -> bool {
    let points: Vec<(f32, f32)> = strokes.iter().flatten().copied().collect();
    let n = points.len() as f32;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x / n, sy + y / n));
    let (mut xx, mut yy, mut xy) = (0.0f32, 0.0f32, 0.0f32);
    for &(x, y) in &points {
        (xx, yy, xy) = (
            xx + (x - mx).powi(2),
            yy + (y - my).powi(2),
            xy + (x - mx) * (y - my),
        );
    }
    // The covariance's eigenvalues, and the angle of the main axis from the horizontal.
    let (mean, gap) = (
        (xx + yy) / 2.0,
        (((xx - yy) / 2.0).powi(2) + xy * xy).sqrt(),
    );
    let (along, across) = (mean + gap, (mean - gap).max(0.0));
    let from_horizontal = 0.5 * (2.0 * xy).atan2(xx - yy);
    let thin = across.sqrt() < 0.2 * along.sqrt();
    thin && from_horizontal.abs() > 35f32.to_radians()
}

/// A Catmull–Rom curve through `points`, eight steps a span.
fn smooth(points: &[(f32, f32)]) -> Stroke {
    let at = |i: isize| points[i.clamp(0, points.len() as isize - 1) as usize];
    let mut curve = vec![points[0]];
    for i in 0..points.len() as isize - 1 {
        let (p0, p1, p2, p3) = (at(i - 1), at(i), at(i + 1), at(i + 2));
        for s in 1..=8 {
            let t = s as f32 / 8.0;
            let (t2, t3) = (t * t, t * t * t);
            let blend = |a: f32, b: f32, c: f32, d: f32| {
                0.5 * (2.0 * b
                    + (c - a) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2
                    + (3.0 * b - a - 3.0 * c + d) * t3)
            };
            curve.push((blend(p0.0, p1.0, p2.0, p3.0), blend(p0.1, p1.1, p2.1, p3.1)));
        }
    }
    curve
}

/// `digit` (of `label`) turned a quarter clockwise (`how` 0), anticlockwise (1) or mirrored
/// left to right (2); `None` where that could still be a digit.
fn turned(digit: &[f32; IMAGE_PIXELS], label: u8, how: u8) -> Option<[f32; IMAGE_PIXELS]> {
    let allowed = if how == 2 { MIRRORABLE } else { TURNABLE };
    if !allowed.contains(&label) {
        return None;
    }
    let last = IMAGE_SIDE - 1;
    let mut out = [0f32; IMAGE_PIXELS];
    for y in 0..IMAGE_SIDE {
        for x in 0..IMAGE_SIDE {
            let (sx, sy) = match how {
                0 => (y, last - x),
                1 => (last - y, x),
                _ => (last - x, y),
            };
            out[y * IMAGE_SIDE + x] = digit[sy * IMAGE_SIDE + sx];
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    /// A 7: a bar along the top and a stem down the right.
    fn seven() -> [f32; IMAGE_PIXELS] {
        let mut image = [0f32; IMAGE_PIXELS];
        for i in 6..22 {
            image[5 * IMAGE_SIDE + i] = 1.0;
            image[(i + 1) * IMAGE_SIDE + 20] = 1.0;
        }
        image
    }

    #[test]
    fn makes_its_share_of_inked_non_digits_the_same_for_a_seed() {
        let digits = vec![seven(); 64];
        let labels = vec![7u8; 64];
        let outliers = Outliers::new(0.25);
        let make = |seed| outliers.make(&digits, &labels, &mut SmallRng::seed_from_u64(seed));
        let a = make(1);
        assert_eq!(a.len(), 16);
        assert!(a.iter().all(|x| x.iter().sum::<f32>() > 10.0));
        assert!(a.iter().all(|x| *x != seven()));
        assert_eq!(a, make(1));
        assert_ne!(a, make(2));
    }

    #[test]
    fn turns_and_mirrors_only_digits_that_stop_being_digits() {
        let seven = seven();
        let clockwise = turned(&seven, 7, 0).unwrap();
        // The bar along the top is now a bar down the right-hand side.
        assert_eq!(clockwise[10 * IMAGE_SIDE + 22], 1.0);
        assert_eq!(turned(&clockwise, 7, 1).unwrap(), seven);
        let mirrored = turned(&seven, 7, 2).unwrap();
        assert_eq!(mirrored[10 * IMAGE_SIDE + 7], 1.0);
        assert!(turned(&seven, 0, 0).is_none());
        assert!(turned(&seven, 8, 1).is_none());
        assert!(turned(&seven, 2, 2).is_none());
    }

    #[test]
    fn leaves_out_marks_that_could_be_a_one() {
        let line = |angle: f32| {
            let (dx, dy) = (angle.to_radians().cos(), angle.to_radians().sin());
            vec![
                (0.5 - dx / 2.0, 0.5 - dy / 2.0),
                (0.5 + dx / 2.0, 0.5 + dy / 2.0),
            ]
        };
        assert!(could_be_a_one(&[smooth(&line(90.0))]));
        assert!(could_be_a_one(&[smooth(&line(60.0))]));
        assert!(could_be_a_one(&[smooth(&line(-70.0))]));
        assert!(!could_be_a_one(&[smooth(&line(0.0))]), "a dash");
        assert!(!could_be_a_one(&[smooth(&line(20.0))]));
        let vee = [(0.0, 0.0), (0.5, 1.0), (1.0, 0.0)];
        assert!(!could_be_a_one(&[smooth(&vee)]));
    }

    #[test]
    fn a_curve_passes_through_its_points() {
        let points = [(0.0, 0.0), (1.0, 0.5), (0.0, 1.0)];
        let curve = smooth(&points);
        assert_eq!(curve.len(), 17);
        for p in points {
            assert!(
                curve
                    .iter()
                    .any(|q| (q.0 - p.0).abs() + (q.1 - p.1).abs() < 1e-5)
            );
        }
    }
}
