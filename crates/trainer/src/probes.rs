//! Inputs the network was never trained on, to measure how often it says "not sure" where no
//! digit is: letters drawn from a font, and random scribbles and stray lines. Each is made into
//! a model input by the shared `preprocess`, as a drawing on the pad would be.

use image::GrayImage;
use mnist_model::strokes::line;
use mnist_model::{Bitmap, IMAGE_PIXELS, PixelFormat, preprocess};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::lettering::{font, text};

/// Side of the square canvas the probes are drawn on, like a pad.
const SIDE: usize = 280;
/// Letters that could pass for a digit in someone's hand (O for 0, l for 1, S for 5, …) are
/// left out: answering with that digit is not a mistake.
const DIGIT_LIKE: &str = "OoDIlJSsZzBbGgqT";

/// The letters of the Latin alphabet that do not look like digits, drawn in DejaVu Sans.
pub fn letters() -> Vec<(char, [f32; IMAGE_PIXELS])> {
    let font = font();
    ('A'..='Z')
        .chain('a'..='z')
        .filter(|c| !DIGIT_LIKE.contains(*c))
        .filter_map(|c| {
            let mut canvas = GrayImage::from_pixel(SIDE as u32, SIDE as u32, [255].into());
            text(&mut canvas, &font, &c.to_string(), 60, 210, 180.0);
            Some((c, input(canvas.as_raw())?))
        })
        .collect()
}

/// `count` random pen marks: straight lines and zig-zag scribbles of 2 to 6 points, with pen
/// widths a pad produces. The same marks for the same `seed`.
pub fn scribbles(count: usize, seed: u64) -> Vec<[f32; IMAGE_PIXELS]> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let points: Vec<(f32, f32)> = (0..rng.random_range(2..=6))
            .map(|_| (rng.random_range(30.0..250.0), rng.random_range(30.0..250.0)))
            .collect();
        let radius = rng.random_range(5.0..12.0);
        let mut canvas = vec![255u8; SIDE * SIDE];
        for pair in points.windows(2) {
            line(&mut canvas, SIDE, pair[0], pair[1], radius);
        }
        if let Some(input) = input(&canvas) {
            out.push(input);
        }
    }
    out
}

fn input(canvas: &[u8]) -> Option<[f32; IMAGE_PIXELS]> {
    preprocess(Bitmap {
        width: SIDE,
        height: SIDE,
        format: PixelFormat::Gray,
        pixels: canvas,
    })
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_letters_and_scribbles_as_model_inputs() {
        let letters = letters();
        assert_eq!(letters.len(), 52 - DIGIT_LIKE.len());
        assert!(letters.iter().all(|(_, x)| x.iter().any(|&v| v > 0.5)));
        let a = scribbles(5, 1);
        assert_eq!(a.len(), 5);
        assert_eq!(a, scribbles(5, 1));
        assert_ne!(a, scribbles(5, 2));
    }
}
