//! Strokes so thick that thinning follows their outline. A digit written with a marker and
//! scanned coarsely (optdigits' thickest 1s) is a solid bar a third as wide as it is tall, with
//! square ends and a ragged edge; thinning runs a line towards its corners and along its bumps,
//! so the bar comes back a bracket, a "λ" or an "S". Smoothed first by a Gaussian of half its
//! half-width, its corners round and its bumps go, and thinning finds its centre line.

use super::blur::gaussian;
use super::ends::depth;
use super::loops::half_width;

/// The stroke half-width, in input pixels (the digit fitted into 20 of its 28), above which a
/// digit's outline is smoothed before it is thinned: a stroke three tenths of the digit's
/// height wide. MNIST's strokes are thinner but for 3 of its 10,000 test digits; at 2.6 px,
/// 53 of them were smoothed and 6 read worse redrawn (docs/handwriting.md, "Solid strokes").
const SOLID: f32 = 3.0;

/// The Gaussian's σ, in stroke half-widths: 0.35 to 0.7 read the same.
const SMOOTHING: f32 = 0.5;

/// The ink (≥ 0.5) of `grey`, `side`×`side` pixels at `fine` times the input's resolution,
/// with its outline smoothed first where its strokes are solid.
pub fn ink(grey: &[f32], side: usize, fine: usize) -> Vec<bool> {
    let inked = |values: &[f32]| values.iter().map(|&v| v >= 0.5).collect::<Vec<bool>>();
    let ink = inked(grey);
    match half_width(&depth(&ink, side), side) {
        Some(h) if h > SOLID * fine as f32 => inked(&gaussian(grey, side, SMOOTHING * h)),
        _ => ink,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ragged upright bar `width` pixels wide on a 28×28 grid, four times finer.
    fn bar(width: usize) -> (Vec<f32>, usize) {
        let (fine, side) = (4, 28 * 4);
        let grey = (0..side * side)
            .map(|i| {
                let (x, y) = (i % side / fine, i / side / fine);
                let left = 14 - width / 2 - usize::from(y % 5 < 2);
                f32::from(u8::from(
                    (4..24).contains(&y) && (left..14 + width / 2 + 1).contains(&x),
                ))
            })
            .collect();
        (grey, side)
    }

    #[test]
    fn a_stroke_as_thick_as_mnists_keeps_its_outline() {
        let (grey, side) = bar(3);
        let plain: Vec<bool> = grey.iter().map(|&v| v >= 0.5).collect();
        assert_eq!(ink(&grey, side, 4), plain);
    }

    #[test]
    fn a_solid_bar_loses_its_bumps() {
        let (grey, side) = bar(7);
        let plain: Vec<bool> = grey.iter().map(|&v| v >= 0.5).collect();
        let smoothed = ink(&grey, side, 4);
        assert_ne!(smoothed, plain);
        // Its left edge, row by row through the middle, no longer steps a whole input pixel.
        let left = |y: usize| (0..side).find(|&x| smoothed[y * side + x]).unwrap();
        let edges: Vec<usize> = (40..72).map(left).collect();
        let (min, max) = (edges.iter().min().unwrap(), edges.iter().max().unwrap());
        assert!(max - min < 4, "{edges:?}");
    }
}
