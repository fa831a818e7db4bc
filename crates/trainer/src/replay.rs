//! The replay set the page mixes into its fine-tuning so that, learning one person's digits, the
//! network keeps reading everyone else's: MNIST training digits spread evenly over the 55,000
//! trained on, written as the two gzipped IDX files the page fetches only when it adapts.

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;

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
    let mut images = header(0x803, &[count, rows, cols]);
    let mut labels = header(0x801, &[count]);
    for &i in &picks {
        images.extend_from_slice(train.images.image(i));
        labels.push(train.labels[i]);
    }
    std::fs::create_dir_all(out)?;
    atomic::write(&out.join(IMAGES_FILE), &gzip(&images)?)?;
    atomic::write(&out.join(LABELS_FILE), &gzip(&labels)?)?;
    Ok(())
}

/// An IDX header: the magic number, then each dimension, all big-endian.
fn header(magic: u32, dims: &[usize]) -> Vec<u8> {
    let mut bytes = magic.to_be_bytes().to_vec();
    for &d in dims {
        bytes.extend_from_slice(&(d as u32).to_be_bytes());
    }
    bytes
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}
