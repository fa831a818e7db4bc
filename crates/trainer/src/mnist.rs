//! The four MNIST files: where they are, what they must hash to, and the seed's split.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use burn::tensor::{Device, Tensor};
use mnist_model::IMAGE_PIXELS;
use mnist_model::network::images_tensor;

use crate::idx::{self, Images};

/// One of the four MNIST files, with the SHA-256 of its uncompressed content.
pub struct MnistFile {
    pub name: &'static str,
    pub sha256: &'static str,
}

pub const TRAIN_IMAGES: MnistFile = MnistFile {
    name: "train-images-idx3-ubyte",
    sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
};
pub const TRAIN_LABELS: MnistFile = MnistFile {
    name: "train-labels-idx1-ubyte",
    sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
};
pub const TEST_IMAGES: MnistFile = MnistFile {
    name: "t10k-images-idx3-ubyte",
    sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
};
pub const TEST_LABELS: MnistFile = MnistFile {
    name: "t10k-labels-idx1-ubyte",
    sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
};
pub const FILES: [MnistFile; 4] = [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS];

/// The seed keeps the last 5,000 training images for validation and trains on the first 55,000.
pub const VALIDATION_IMAGES: usize = 5_000;

/// Labelled images.
#[derive(Debug, Clone)]
pub struct Split {
    pub images: Images,
    pub labels: Vec<u8>,
}

impl Split {
    fn new(images: Images, labels: Vec<u8>, dir: &Path, name: &str) -> Result<Self> {
        if images.count != labels.len() {
            bail!(
                "{}: {} {name} images but {} labels",
                dir.display(),
                images.count,
                labels.len()
            );
        }
        Ok(Self { images, labels })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image `i` as model input (see [`Images::input`]).
    pub fn input(&self, i: usize) -> [f32; IMAGE_PIXELS] {
        self.images.input(i)
    }

    /// Images `indices` as one input tensor `[n, 1, 28, 28]` on `device`, with their labels:
    /// the batch that training, benchmarking and evaluation all feed the network.
    pub fn batch(&self, indices: &[usize], device: &Device) -> (Tensor<4>, Vec<i64>) {
        self.batch_with(indices, device, |_, _| {})
    }

    /// [`Self::batch`], with the inputs changed by `edit` (given them and their labels)
    /// before they become a tensor: training's pen augmentation.
    pub fn batch_with(
        &self,
        indices: &[usize],
        device: &Device,
        edit: impl FnOnce(&mut [[f32; IMAGE_PIXELS]], &[u8]),
    ) -> (Tensor<4>, Vec<i64>) {
        let mut inputs: Vec<[f32; IMAGE_PIXELS]> = indices.iter().map(|&i| self.input(i)).collect();
        let labels: Vec<u8> = indices.iter().map(|&i| self.labels[i]).collect();
        edit(&mut inputs, &labels);
        let labels = labels.into_iter().map(i64::from).collect();
        (images_tensor(&inputs, device), labels)
    }

    /// This split with `other` after it, repeated as often as makes it about `share` of the
    /// whole (at least once).
    pub fn mixed_with(&self, other: &Split, share: f64) -> Split {
        let wanted = share / (1.0 - share) * self.len() as f64;
        let copies = (wanted / other.len().max(1) as f64).round().max(1.0) as usize;
        let mut mixed = self.clone();
        for _ in 0..copies {
            mixed.images.pixels.extend_from_slice(&other.images.pixels);
            mixed.labels.extend_from_slice(&other.labels);
        }
        mixed.images.count = mixed.labels.len();
        mixed
    }

    /// Images `range` as a new split.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Split {
        let size = self.images.rows * self.images.cols;
        Split {
            images: Images {
                count: range.len(),
                rows: self.images.rows,
                cols: self.images.cols,
                pixels: self.images.pixels[range.start * size..range.end * size].to_vec(),
            },
            labels: self.labels[range].to_vec(),
        }
    }
}

/// The seed's split of the 60,000 training images: the first `limit` (default all) of the
/// first 55,000 to train on, and the last 5,000 for validation.
pub fn train_and_validation(all: &Split, limit: Option<usize>) -> Result<(Split, Split)> {
    let split_at = all.len().checked_sub(VALIDATION_IMAGES).with_context(|| {
        format!(
            "{} training images, fewer than the {VALIDATION_IMAGES} kept for validation",
            all.len()
        )
    })?;
    let train_len = limit.map_or(split_at, |n| n.min(split_at));
    if train_len == 0 {
        bail!("--limit must be at least 1");
    }
    Ok((all.slice(0..train_len), all.slice(split_at..all.len())))
}

/// The path of `file` in `dir`: the raw file if present, else its `.gz`.
pub fn locate(dir: &Path, file: &MnistFile) -> PathBuf {
    let raw = dir.join(file.name);
    if raw.exists() {
        raw
    } else {
        dir.join(format!("{}.gz", file.name))
    }
}

fn missing_hint(dir: &Path) -> String {
    format!(
        "MNIST files not found in {}: run `trainer fetch --data {}` or see the README's offline route",
        dir.display(),
        dir.display()
    )
}

fn load_split(dir: &Path, images: &MnistFile, labels: &MnistFile, name: &str) -> Result<Split> {
    for file in [images, labels] {
        if !locate(dir, file).exists() {
            bail!("{}: {} is missing", missing_hint(dir), file.name);
        }
    }
    let i = idx::read_images(&locate(dir, images))?;
    let l = idx::read_labels(&locate(dir, labels))?;
    Split::new(i, l, dir, name)
}

/// The 60,000 training images (with labels).
pub fn load_train(dir: &Path) -> Result<Split> {
    load_split(dir, &TRAIN_IMAGES, &TRAIN_LABELS, "training")
}

/// The 10,000 test images (with labels).
pub fn load_test(dir: &Path) -> Result<Split> {
    load_split(dir, &TEST_IMAGES, &TEST_LABELS, "test")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(labels: &[u8]) -> Split {
        Split {
            images: Images {
                count: labels.len(),
                rows: 1,
                cols: 2,
                pixels: labels.iter().flat_map(|&l| [l, l]).collect(),
            },
            labels: labels.to_vec(),
        }
    }

    #[test]
    fn a_mix_repeats_the_other_split_to_make_up_its_share() {
        let (mnist, writers) = (split(&[0; 90]), split(&[1, 2, 3]));
        let mixed = mnist.mixed_with(&writers, 0.25);
        assert_eq!(mixed.len(), 90 + 30, "ten copies: 30 of 120");
        assert_eq!(mixed.images.count, mixed.len());
        assert_eq!(mixed.images.pixels.len(), 2 * mixed.len());
        assert_eq!(&mixed.labels[90..96], [1, 2, 3, 1, 2, 3]);
        assert_eq!(mixed.input(91)[0], 2.0 / 255.0);
        assert_eq!(mnist.mixed_with(&writers, 0.001).len(), 93, "at least once");
    }
}
