//! A picture of the digits a weights file misreads: each as the network saw it, captioned
//! "label→answer", a row per set. `trainer heldout --misses` draws the real writers' sets', to
//! look at every miss and say why (docs/handwriting.md).

use std::path::Path;

use anyhow::Result;
use image::{GrayImage, ImageFormat, imageops};
use mnist_model::{IMAGE_PIXELS, IMAGE_SIDE};

use crate::atomic;
use crate::lettering::{font, text};

/// A misread digit: what the network saw, what it is, what it was read as.
pub struct Miss {
    pub input: [f32; IMAGE_PIXELS],
    pub label: u8,
    pub read_as: u8,
}

const ZOOM: u32 = 2;
const CELL_W: u32 = IMAGE_SIDE as u32 * ZOOM + 8;
const CAPTION: u32 = 16;
const CELL_H: u32 = IMAGE_SIDE as u32 * ZOOM + CAPTION + 6;
const TITLE: u32 = 20;
const COLUMNS: usize = 16;

/// Writes `sets` (a title and its misses, sorted by label) to `out` as a PNG.
pub fn write(sets: &[(String, Vec<Miss>)], out: &Path) -> Result<()> {
    let font = font();
    let rows = |misses: &[Miss]| misses.len().div_ceil(COLUMNS).max(1) as u32;
    let height: u32 = sets.iter().map(|(_, m)| TITLE + rows(m) * CELL_H).sum();
    let mut picture = GrayImage::from_pixel(CELL_W * COLUMNS as u32, height, [255].into());
    let mut top = 0;
    for (title, misses) in sets {
        text(&mut picture, &font, title, 4, top + 15, 15.0);
        top += TITLE;
        for (k, miss) in misses.iter().enumerate() {
            let (x, y) = (
                (k % COLUMNS) as u32 * CELL_W + 4,
                top + (k / COLUMNS) as u32 * CELL_H,
            );
            let digit = dark_on_light(&miss.input);
            imageops::overlay(&mut picture, &digit, i64::from(x), i64::from(y));
            let caption = format!("{}→{}", miss.label, miss.read_as);
            text(&mut picture, &font, &caption, x + 12, y + CELL_H - 8, 14.0);
        }
        top += rows(misses) * CELL_H;
    }
    let mut png = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut png, ImageFormat::Png)?;
    atomic::write(out, png.get_ref())
}

/// The input enlarged, in dark ink on a light grey square (so blank inputs still show).
fn dark_on_light(input: &[f32; IMAGE_PIXELS]) -> GrayImage {
    let side = IMAGE_SIDE as u32;
    let small = GrayImage::from_fn(side, side, |x, y| {
        [235 - (input[(y * side + x) as usize].clamp(0.0, 1.0) * 235.0) as u8].into()
    });
    imageops::resize(
        &small,
        side * ZOOM,
        side * ZOOM,
        imageops::FilterType::Nearest,
    )
}
