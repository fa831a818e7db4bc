//! Elastic distortion (Simard, Steinkraus and Platt, 2003): every pixel moved by a random
//! displacement field smoothed with a Gaussian, so that strokes bend and wobble the way a hand
//! wavers, which an affine change alone cannot do.

use rand::Rng;

use super::blur::gaussian;

use crate::{IMAGE_PIXELS, IMAGE_SIDE};

/// How many digits are distorted, and how much.
#[derive(Debug, Clone, Copy)]
pub struct Elastic {
    /// Share of the digits distorted.
    pub share: f64,
    /// Strength of the field, in pixels before smoothing (Simard's α).
    pub strength: (f32, f32),
    /// Smoothness of the field: the Gaussian's σ in pixels.
    pub smoothness: f32,
}

impl Default for Elastic {
    /// Simard's σ of 4 pixels, and α up to his 34.
    fn default() -> Self {
        Self {
            share: 0.5,
            strength: (24.0, 34.0),
            smoothness: 4.0,
        }
    }
}

impl Elastic {
    /// [`Self::apply`] to `share` of `inputs`.
    pub fn apply_all(&self, inputs: &mut [[f32; IMAGE_PIXELS]], rng: &mut impl Rng) {
        for input in inputs.iter_mut() {
            if rng.random_bool(self.share) {
                *input = self.apply(input, rng);
            }
        }
    }

    /// `input` distorted by one random field.
    pub fn apply(&self, input: &[f32; IMAGE_PIXELS], rng: &mut impl Rng) -> [f32; IMAGE_PIXELS] {
        let alpha = rng.random_range(self.strength.0..=self.strength.1);
        let mut field = || {
            let noise: [f32; IMAGE_PIXELS] = std::array::from_fn(|_| rng.random_range(-1.0..1.0));
            smooth(&noise, self.smoothness).map(|v| v * alpha)
        };
        let (dx, dy) = (field(), field());
        std::array::from_fn(|i| {
            let (x, y) = ((i % IMAGE_SIDE) as f32, (i / IMAGE_SIDE) as f32);
            sample(input, x + dx[i], y + dy[i])
        })
    }
}

/// `field` blurred by a Gaussian of `sigma` pixels, zero beyond the edges.
fn smooth(field: &[f32; IMAGE_PIXELS], sigma: f32) -> [f32; IMAGE_PIXELS] {
    let smoothed = gaussian(field, IMAGE_SIDE, sigma);
    std::array::from_fn(|i| smoothed[i])
}

/// The image's value at (x, y), bilinear, zero outside.
fn sample(image: &[f32; IMAGE_PIXELS], x: f32, y: f32) -> f32 {
    let at = |px: isize, py: isize| {
        let side = IMAGE_SIDE as isize;
        if (0..side).contains(&px) && (0..side).contains(&py) {
            image[(py * side + px) as usize]
        } else {
            0.0
        }
    };
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (ix, iy) = (x0 as isize, y0 as isize);
    (at(ix, iy) * (1.0 - fx) + at(ix + 1, iy) * fx) * (1.0 - fy)
        + (at(ix, iy + 1) * (1.0 - fx) + at(ix + 1, iy + 1) * fx) * fy
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    fn bar() -> [f32; IMAGE_PIXELS] {
        std::array::from_fn(|i| {
            if (12..16).contains(&(i % IMAGE_SIDE)) {
                1.0
            } else {
                0.0
            }
        })
    }

    #[test]
    fn bends_strokes_but_keeps_most_of_the_ink_near_where_it_was() {
        let elastic = Elastic::default();
        let out = elastic.apply(&bar(), &mut SmallRng::seed_from_u64(1));
        assert_ne!(out, bar());
        let ink = |img: &[f32; IMAGE_PIXELS]| img.iter().sum::<f32>();
        assert!((ink(&out) / ink(&bar()) - 1.0).abs() < 0.25);
        // Most ink stays within four pixels of the bar.
        let near: f32 = (0..IMAGE_PIXELS)
            .filter(|i| (8..20).contains(&(i % IMAGE_SIDE)))
            .map(|i| out[i])
            .sum();
        assert!(near > 0.85 * ink(&out), "{near} of {}", ink(&out));
    }

    #[test]
    fn a_still_field_changes_nothing() {
        let still = Elastic {
            strength: (0.0, 0.0),
            ..Elastic::default()
        };
        assert_eq!(still.apply(&bar(), &mut SmallRng::seed_from_u64(1)), bar());
        let smoothed = smooth(&[1.0; IMAGE_PIXELS], 4.0);
        assert!((smoothed[14 * IMAGE_SIDE + 14] - 1.0).abs() < 1e-3);
    }
}
