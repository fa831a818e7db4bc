//! The replay set the page mixes into its fine-tuning so that, learning one person's digits, the
//! network keeps reading everyone else's: MNIST training digits spread evenly over the 55,000
//! trained on, written as the two gzipped IDX files the page fetches only when it adapts.

use std::path::Path;

use anyhow::{Result, bail};
use mnist_model::idx::{gzip, images_file, labels_file};

use crate::atomic;
use crate::mnist::Split;

pub const IMAGES_FILE: &str = "replay-images-idx3-ubyte.gz";
pub const LABELS_FILE: &str = "replay-labels-idx1-ubyte.gz";

/// Writes `count` digits of `train` (the first `trained_on` of which are trained on), evenly
/// spaced, into `out`.
pub fn write(train: &Split, trained_on: usize, count: usize, out: &Path) -> Result<()> {
    if count == 0 || count > trained_on || trained_on > train.len() {
        bail!(
            "a replay set of {count} digits from {trained_on} of {} is impossible",
            train.len()
        );
    }
    let picks: Vec<usize> = (0..count).map(|i| i * trained_on / count).collect();
    let (rows, cols) = (train.images.rows, train.images.cols);
    let pixels: Vec<u8> = picks
        .iter()
        .flat_map(|&i| train.images.image(i))
        .copied()
        .collect();
    let labels: Vec<u8> = picks.iter().map(|&i| train.labels[i]).collect();
    std::fs::create_dir_all(out)?;
    atomic::write(
        &out.join(IMAGES_FILE),
        &gzip(&images_file(count, rows, cols, &pixels)),
    )?;
    atomic::write(&out.join(LABELS_FILE), &gzip(&labels_file(&labels)))?;
    Ok(())
}
