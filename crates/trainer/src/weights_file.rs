//! Weights files on disk: read and checked (architecture, precision, checksum) onto a device.

use std::path::Path;

use anyhow::{Context, Result};
use burn::tensor::Device;
use mnist_model::{Cnn, weights};

/// The network stored in the weights file at `path`, on `device`.
pub fn load(path: &Path, device: &Device) -> Result<Cnn> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (model, _) =
        weights::decode(&bytes, device).with_context(|| format!("{}", path.display()))?;
    Ok(model)
}
