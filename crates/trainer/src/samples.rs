//! A picture of what the pen augmentation makes of training digits: per digit, the scan and
//! eight redrawings (half of the 7s, 1s, 4s and 9s in their other writing style), for the docs
//! and for anyone changing the augmentation to look at.

use std::path::Path;

use anyhow::Result;
use image::{GrayImage, ImageFormat, imageops};
use mnist_model::augment::PenAugmentation;
use mnist_model::{IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES};
use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::atomic;
use crate::mnist::Split;

const COLUMNS: usize = 9;
const CELL: u32 = IMAGE_SIDE as u32 + 2;
const ZOOM: u32 = 3;

/// Writes the picture of `train`'s first digit of each class to `out` (PNG).
pub fn write(train: &Split, seed: u64, out: &Path) -> Result<()> {
    let pen = PenAugmentation {
        redraw: 1.0,
        styled: 0.5,
        ..PenAugmentation::default()
    };
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut grid = GrayImage::from_pixel(
        CELL * COLUMNS as u32,
        CELL * NUM_CLASSES as u32,
        [64].into(),
    );
    for digit in 0..NUM_CLASSES {
        let Some(i) = (0..train.len()).find(|&i| usize::from(train.labels[i]) == digit) else {
            continue;
        };
        let scan = train.input(i);
        for column in 0..COLUMNS {
            let input = if column == 0 {
                scan
            } else {
                pen.apply(&scan, digit as u8, &mut rng)
            };
            let cell = to_image(&input);
            let (x, y) = (column as u32 * CELL + 1, digit as u32 * CELL + 1);
            imageops::overlay(&mut grid, &cell, i64::from(x), i64::from(y));
        }
    }
    let large = imageops::resize(
        &grid,
        grid.width() * ZOOM,
        grid.height() * ZOOM,
        imageops::FilterType::Nearest,
    );
    let mut png = std::io::Cursor::new(Vec::new());
    large.write_to(&mut png, ImageFormat::Png)?;
    atomic::write(out, png.get_ref())
}

fn to_image(input: &[f32; IMAGE_PIXELS]) -> GrayImage {
    let side = IMAGE_SIDE as u32;
    GrayImage::from_fn(side, side, |x, y| {
        [(input[(y * side + x) as usize] * 255.0).round() as u8].into()
    })
}
