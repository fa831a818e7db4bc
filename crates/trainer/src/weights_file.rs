//! Weights files on disk: read and checked (architecture, precision, checksum) onto a device.

use std::path::Path;

use anyhow::{Context, Result};
use burn::tensor::Device;
use mnist_model::novelty::Novelty;
use mnist_model::{Cnn, weights};

/// A network loaded from a weights file, with the temperature that calibrates its confidence.
#[derive(Debug)]
pub struct Network {
    pub model: Cnn,
    /// 1 when the file has none (see `mnist_model::calibration`).
    pub temperature: f32,
    /// Where the network puts digits, if the file says (see `mnist_model::novelty`).
    pub novelty: Option<Novelty>,
}

/// The network stored in the weights file at `path`, on `device`.
pub fn load(path: &Path, device: &Device) -> Result<Network> {
    let bytes = read(path)?;
    let (model, info) =
        weights::decode(&bytes, device).with_context(|| format!("{}", path.display()))?;
    let context = || format!("{}", path.display());
    Ok(Network {
        model,
        temperature: info.temperature().with_context(context)?,
        novelty: info.novelty().with_context(context)?,
    })
}

/// The bytes of the file at `path`.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}
