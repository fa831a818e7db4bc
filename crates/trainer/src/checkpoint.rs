//! Per-epoch checkpoints: model and optimizer records plus a `state.json` that names them with
//! their SHA-256. The state file is written last and atomically, so it always points to a
//! complete checkpoint; a kill at any moment loses at most the epoch in progress.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use burn::tensor::Device;
use mnist_model::{Cnn, training};
use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::hash::sha256_hex;
use crate::run::{EpochMetrics, RunDir, TrainConfig};

const STATE: &str = "state.json";

/// Everything needed to continue a run exactly where it stopped.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub config: TrainConfig,
    /// Epochs completed.
    pub epoch: usize,
    pub history: Vec<EpochMetrics>,
    model_file: String,
    model_sha256: String,
    optimizer_file: String,
    optimizer_sha256: String,
}

impl State {
    /// The state after `epoch` epochs; the file names are filled in by [`save`].
    pub fn new(config: TrainConfig, epoch: usize, history: Vec<EpochMetrics>) -> Self {
        Self {
            config,
            epoch,
            history,
            model_file: String::new(),
            model_sha256: String::new(),
            optimizer_file: String::new(),
            optimizer_sha256: String::new(),
        }
    }
}

/// The checkpoint directory of a run writing to `out`.
pub fn dir(out: &Path) -> PathBuf {
    RunDir::new(out).checkpoints()
}

/// Writes the checkpoint after `state.epoch` epochs and removes the previous one.
pub fn save(out: &Path, model: &Cnn, optimizer: &ModuleOptimizer, state: State) -> Result<()> {
    let dir = dir(out);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let model_bytes = model
        .clone()
        .into_record()
        .into_bytes()
        .context("cannot serialise the model")?;
    let optimizer_bytes = optimizer
        .into_bytes()
        .context("cannot serialise the optimizer")?;
    let model_file = format!("model-epoch{}.bpk", state.epoch);
    let optimizer_file = format!("optimizer-epoch{}.bpk", state.epoch);
    atomic::write(&dir.join(&model_file), &model_bytes)?;
    atomic::write(&dir.join(&optimizer_file), &optimizer_bytes)?;
    let state = State {
        model_sha256: sha256_hex(&model_bytes),
        optimizer_sha256: sha256_hex(&optimizer_bytes),
        model_file,
        optimizer_file,
        ..state
    };
    atomic::write(
        &dir.join(STATE),
        serde_json::to_string_pretty(&state)?.as_bytes(),
    )?;
    // Only now are older files unreferenced; temporaries left by a killed run go too.
    for entry in fs::read_dir(&dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let old_checkpoint =
            name.ends_with(".bpk") && name != state.model_file && name != state.optimizer_file;
        if atomic::is_temporary(&name) || old_checkpoint {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Loads the last checkpoint in `out`, if there is one, onto the training `device`.
pub fn load(out: &Path, device: &Device) -> Result<Option<(Cnn, ModuleOptimizer, State)>> {
    let dir = dir(out);
    let state_path = dir.join(STATE);
    let text = match fs::read_to_string(&state_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", state_path.display())),
    };
    let state: State = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid checkpoint state", state_path.display()))?;
    let read = |file: &str, sha: &str| -> Result<Bytes> {
        let path = dir.join(file);
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        if sha256_hex(&bytes) != sha {
            bail!(
                "{} does not match its checksum in {STATE}: the checkpoint is damaged",
                path.display()
            );
        }
        Ok(Bytes::from_bytes_vec(bytes))
    };
    let record = ModuleRecord::from_bytes(read(&state.model_file, &state.model_sha256)?)?;
    let model = Cnn::new(device).try_load_record(record)?;
    let optimizer = training::optimizer()
        .from_bytes(read(&state.optimizer_file, &state.optimizer_sha256)?)
        .context("cannot restore the optimizer state")?;
    Ok(Some((model, optimizer, state)))
}
