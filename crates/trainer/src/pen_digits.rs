//! The MNIST test digits as pen strokes (`augment::skeleton::strokes`, the thinning training's
//! pen augmentation redraws with), for writing real handwriting on the page's pad with pointer
//! events: what `trainer strokes` prints.

use mnist_model::IMAGE_SIDE;
use mnist_model::augment::skeleton::strokes;
use serde::Serialize;

use crate::mnist::Split;

/// One test digit: its label and its strokes, each a list of `[x, y]` in 0..1 of its box.
#[derive(Debug, Serialize)]
pub struct DigitStrokes {
    pub label: u8,
    pub strokes: Vec<Vec<[f32; 2]>>,
}

/// The first `count` digits of `test` (all of them if it holds fewer) as strokes.
pub fn first(test: &Split, count: usize) -> Vec<DigitStrokes> {
    let side = IMAGE_SIDE as f32;
    (0..count.min(test.len()))
        .map(|i| DigitStrokes {
            label: test.labels[i],
            strokes: strokes(&test.input(i))
                .into_iter()
                .map(|s| s.into_iter().map(|(x, y)| [x / side, y / side]).collect())
                .collect(),
        })
        .collect()
}
