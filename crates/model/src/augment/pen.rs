//! Training digits as the pad draws them. On the pad every digit is uniform round pen strokes,
//! smooth, without a scanner's blur, redrawn at a pen width in proportion to its size
//! ([`crate::strokes`]); MNIST's digits are scanned pencil. A share of the training digits is
//! therefore thinned to its skeleton and drawn again through the pad's own drawing code with a
//! pen of random width, and a share of the 7s, 1s, 4s and 9s in a writing style MNIST lacks.

use rand::Rng;

use super::skeleton::{skeleton, strokes};
use super::styles::Style;
use crate::IMAGE_PIXELS;
use crate::strokes::{Stroke, draw};

/// How many digits are redrawn, and how.
#[derive(Debug, Clone, Copy)]
pub struct PenAugmentation {
    /// Share of digits redrawn as pen strokes.
    pub redraw: f64,
    /// Share of the 7s, 1s, 4s and 9s written in their [`Style`] (and so redrawn).
    pub styled: f64,
    /// The pen's width, as a share of the digit's longer side (the pad's is
    /// [`crate::strokes::PEN_SHARE`]).
    pub pen_share: (f32, f32),
}

impl Default for PenAugmentation {
    fn default() -> Self {
        Self {
            redraw: 0.3,
            styled: 0.25,
            pen_share: (0.09, 0.2),
        }
    }
}

impl PenAugmentation {
    /// `input` (a digit of `label`) redrawn, restyled, or as it was.
    pub fn apply(
        &self,
        input: &[f32; IMAGE_PIXELS],
        label: u8,
        rng: &mut impl Rng,
    ) -> [f32; IMAGE_PIXELS] {
        let style = Style::for_label(label).filter(|_| rng.random_bool(self.styled));
        if style.is_none() && !rng.random_bool(self.redraw) {
            return *input;
        }
        let strokes = style
            .and_then(|s| s.apply(&skeleton(input), rng))
            .unwrap_or_else(|| strokes(input));
        let pen = rng.random_range(self.pen_share.0..=self.pen_share.1);
        redraw(&strokes, pen).unwrap_or(*input)
    }

    /// [`Self::apply`] to every input of a batch, in order.
    pub fn apply_all(&self, inputs: &mut [[f32; IMAGE_PIXELS]], labels: &[u8], rng: &mut impl Rng) {
        for (input, &label) in inputs.iter_mut().zip(labels) {
            *input = self.apply(input, label, rng);
        }
    }
}

/// Strokes drawn as the pad's digits are, with a pen `pen_share` of the digit's size.
pub fn redraw(
    strokes: &[Stroke],
    pen_share: f32,
) -> Result<[f32; IMAGE_PIXELS], crate::PreprocessError> {
    let strokes: Vec<&Stroke> = strokes.iter().collect();
    draw(&strokes, pen_share)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IMAGE_SIDE;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    /// A 7 as MNIST writes it, three pixels thick: a bar at the top and a slanted stem.
    fn seven() -> [f32; IMAGE_PIXELS] {
        let mut image = [0f32; IMAGE_PIXELS];
        for y in 5..24 {
            for x in 6..22 {
                let bar = y < 8;
                let stem_x = 20.0 - (y as f32 - 5.0) * 0.45;
                let stem = (x as f32 - stem_x).abs() < 1.6;
                if bar || stem {
                    image[y * IMAGE_SIDE + x] = 1.0;
                }
            }
        }
        image
    }

    fn ink(image: &[f32; IMAGE_PIXELS]) -> f32 {
        image.iter().sum()
    }

    #[test]
    fn redrawing_keeps_the_digit_where_mnist_puts_it() {
        let pen = PenAugmentation {
            redraw: 1.0,
            styled: 0.0,
            pen_share: (0.16, 0.16),
        };
        let out = pen.apply(&seven(), 7, &mut SmallRng::seed_from_u64(1));
        assert_ne!(out, seven());
        // Fitted to MNIST's 20-pixel box, as every input is.
        let rows: Vec<usize> = (0..IMAGE_PIXELS)
            .filter(|&i| out[i] > 0.0)
            .map(|i| i / IMAGE_SIDE)
            .collect();
        let height = rows.iter().max().unwrap() - rows.iter().min().unwrap() + 1;
        assert!((19..=22).contains(&height), "{height} rows tall");
        let thin = PenAugmentation {
            pen_share: (0.08, 0.08),
            ..pen
        };
        let thinner = thin.apply(&seven(), 7, &mut SmallRng::seed_from_u64(1));
        assert!(ink(&thinner) < ink(&out) * 0.8);
    }

    #[test]
    fn a_crossed_seven_has_ink_across_its_stem() {
        let crossed = PenAugmentation {
            redraw: 0.0,
            styled: 1.0,
            pen_share: (0.12, 0.12),
        };
        let plain = PenAugmentation {
            styled: 0.0,
            redraw: 1.0,
            ..crossed
        };
        let mut rng = SmallRng::seed_from_u64(3);
        let a = crossed.apply(&seven(), 7, &mut rng);
        let b = plain.apply(&seven(), 7, &mut SmallRng::seed_from_u64(3));
        // Somewhere in the middle rows, a row with ink on both sides of the stem.
        let wide_row = |img: &[f32; IMAGE_PIXELS]| {
            (12..20)
                .map(|y| {
                    (0..IMAGE_SIDE)
                        .filter(|&x| img[y * IMAGE_SIDE + x] > 0.3)
                        .count()
                })
                .max()
                .unwrap()
        };
        assert!(
            wide_row(&a) >= wide_row(&b) + 4,
            "{} vs {}",
            wide_row(&a),
            wide_row(&b)
        );
    }

    #[test]
    fn other_digits_have_no_style_and_none_is_left_out() {
        let all = PenAugmentation {
            redraw: 0.0,
            styled: 1.0,
            pen_share: (0.12, 0.12),
        };
        // A 3 has no style: with no redrawing it is left as it was.
        assert_eq!(
            all.apply(&seven(), 3, &mut SmallRng::seed_from_u64(1)),
            seven()
        );
        // A blank input stays blank rather than failing.
        let blank = [0f32; IMAGE_PIXELS];
        assert_eq!(all.apply(&blank, 7, &mut SmallRng::seed_from_u64(1)), blank);
    }

    #[test]
    fn is_deterministic_for_a_seed() {
        let pen = PenAugmentation::default();
        let run = |seed| {
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut batch = vec![seven(); 16];
            pen.apply_all(&mut batch, &[7; 16], &mut rng);
            batch
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }
}
