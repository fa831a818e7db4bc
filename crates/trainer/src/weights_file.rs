//! Weights files on disk: read and checked (architecture, precision, checksum) onto a device.

use std::path::Path;

use anyhow::{Context, Result};
use burn::tensor::Device;
use mnist_model::recogniser::Recogniser;

/// The network stored in the weights file at `path`, on `device`, with its calibration.
pub fn load(path: &Path, device: &Device) -> Result<Recogniser> {
    decode(path, &read(path)?, device)
}

/// The network stored in `bytes`, read from the weights file at `path`, on `device`.
pub fn decode(path: &Path, bytes: &[u8], device: &Device) -> Result<Recogniser> {
    Recogniser::load(bytes, device).with_context(|| format!("{}", path.display()))
}

/// The bytes of the file at `path`.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}
