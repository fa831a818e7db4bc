//! The end of a run: the weights the browser app loads and their model card.

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};
use mnist_model::PARAMETERS;
use mnist_model::weights::{self, Precision};
use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::calibrate::{self, Report as CalibrationReport};
use crate::evaluate::{self, Report};
use crate::hash::sha256_hex;
use crate::heldout::{self, SetResult};
use crate::logits;
use crate::mnist::{Split, VALIDATION_IMAGES};
use crate::run::{Blend, EpochMetrics, Outcome, Recipe, RunDir, TrainConfig, WEIGHTS_STEM};

/// A short, machine-readable account of how the weights were made and how well they do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelCard {
    pub architecture: String,
    pub architecture_version: u32,
    pub layers: String,
    pub parameters: usize,
    pub optimizer: String,
    pub config: TrainConfig,
    pub train_images: usize,
    pub validation_images: usize,
    pub epochs: usize,
    pub seed: u64,
    pub test_accuracy: f64,
    pub test_images: usize,
    pub per_class_accuracy: Vec<f64>,
    pub history: Vec<EpochMetrics>,
    pub weights_file: String,
    pub weights_precision: String,
    pub weights_bytes: usize,
    pub weights_sha256: String,
    /// How the weights as written read real writers' validation digits (`trainer heldout`'s
    /// `writers` sets; absent from cards made before them).
    #[serde(default)]
    pub writers: Vec<SetResult>,
    /// How the confidence was calibrated (absent from cards of uncalibrated weights).
    #[serde(default)]
    pub calibration: Option<CalibrationReport>,
    /// When the weights are the run's blended with others (`trainer blend`): how. The config
    /// and history are then the run's that was blended in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blend: Option<Blend>,
    pub date: String,
    pub command: String,
    /// Where the card is a recipe's last step's (`trainer recipe`): every step and the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe: Option<Recipe>,
    /// Where the weights were calibrated again after they were made (`trainer calibrate` in
    /// place): its command. The file then differs from the one its run or recipe wrote in its
    /// calibration and novelty statistics only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recalibrated: Option<String>,
}

impl ModelCard {
    /// The model card in the file at `path`.
    pub fn read(path: &Path) -> Result<ModelCard> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a model card", path.display()))
    }
}

/// What [`export`] wrote, and how the weights as written did on the test set.
#[derive(Debug)]
pub struct Exported {
    pub card: ModelCard,
    pub report: Report,
    pub run: RunDir,
}

/// Writes the weights at `precision`, their confidence calibrated on the `validation` images
/// and their novelty statistics fitted on `train` digits, and the card into `run`, evaluating the weights as written on the `test` set. `command` is
/// recorded in the card.
pub fn export(
    outcome: &Outcome,
    precision: Precision,
    train: &Split,
    validation: &Split,
    test: &Split,
    run: &RunDir,
    command: &str,
) -> Result<Exported> {
    let Outcome {
        model,
        config,
        history,
        train_images,
        blend,
    } = outcome;
    let date = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .context("cannot format the date")?;
    let bytes = weights::encode(
        model,
        precision,
        &[
            ("epochs", history.len().to_string()),
            ("seed", config.seed.to_string()),
            ("date", date.clone()),
        ],
    )?;
    // Measure what ships: the file as the browser will load it.
    // The weights are f32 (or narrower) whatever the run computed in; a bf16 run's device
    // stays bf16, so its file is measured on flex, in f32, as the page computes.
    let device = if config.compute.bf16 {
        burn::tensor::Device::flex()
    } else {
        config.compute.backend.device()?
    };
    let (shipped, _) = weights::decode(&bytes, &device)?;
    // One pass over the test set serves the report and the calibration.
    let test_dense = logits::dense(&shipped, &logits::inputs(test), &device);
    let test_logits = logits::from_dense(&shipped, test_dense.clone());
    let report = evaluate::from_logits(&test_logits, &test.labels);
    let writers = heldout::writers(&shipped, &device)?;
    let (bytes, calibration) = calibrate::calibrate(
        &shipped,
        &bytes,
        train,
        validation,
        (test_dense, test),
        &device,
    )?;

    let card = ModelCard {
        architecture: mnist_model::network::ARCHITECTURE.into(),
        architecture_version: mnist_model::network::ARCHITECTURE_VERSION,
        layers: "conv5x5x32 same, relu, maxpool2 | conv5x5x64 same, relu, maxpool2 | dense 1024, relu, dropout 0.5 | dense 10".into(),
        parameters: PARAMETERS,
        optimizer: format!("Adam (lr {})", config.learning_rate),
        config: config.clone(),
        train_images: *train_images,
        validation_images: VALIDATION_IMAGES,
        epochs: history.len(),
        seed: config.seed,
        test_accuracy: report.accuracy,
        test_images: report.n,
        per_class_accuracy: report.per_class.to_vec(),
        history: history.to_vec(),
        writers,
        weights_file: format!("{WEIGHTS_STEM}.bpk"),
        weights_precision: precision.name().into(),
        weights_bytes: bytes.len(),
        weights_sha256: sha256_hex(&bytes),
        calibration: Some(calibration),
        blend: blend.clone(),
        date,
        command: command.into(),
        recipe: None,
        recalibrated: None,
    };
    atomic::write(&run.weights(), &bytes)?;
    atomic::write(&run.card(), serde_json::to_string_pretty(&card)?.as_bytes())?;
    Ok(Exported {
        card,
        report,
        run: run.clone(),
    })
}

/// After the weights at `weights` were calibrated anew (now `bytes`) by `command`: the model
/// card beside them, if there is one, records the calibration, the command and the file's new
/// size and checksum.
pub fn update_card(
    weights: &Path,
    bytes: &[u8],
    calibration: &CalibrationReport,
    command: &str,
) -> Result<Option<std::path::PathBuf>> {
    let path = weights.with_extension("json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let mut card: ModelCard = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a model card", path.display()))?;
    card.calibration = Some(calibration.clone());
    card.recalibrated = Some(command.into());
    card.weights_bytes = bytes.len();
    card.weights_sha256 = sha256_hex(bytes);
    atomic::write(&path, serde_json::to_string_pretty(&card)?.as_bytes())?;
    Ok(Some(path))
}

/// The end of `trainer train`'s output: the test report and where everything was written.
impl fmt::Display for Exported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let run = &self.run;
        writeln!(f, "\n{}\n", self.report)?;
        for set in &self.card.writers {
            writeln!(
                f,
                "real writers, {:<16} {:>6.2}% of {}",
                set.name,
                100.0 * set.accuracy,
                set.images
            )?;
        }
        if let Some(calibration) = &self.card.calibration {
            writeln!(f, "{calibration}")?;
        }
        writeln!(
            f,
            "wrote {} ({} bytes, {}) and {}",
            run.weights().display(),
            self.card.weights_bytes,
            self.card.weights_precision,
            run.card().display()
        )?;
        if run.metrics_csv().exists() {
            write!(
                f,
                "metrics: {}  curve: {}",
                run.metrics_csv().display(),
                run.curve_png().display()
            )?;
        }
        Ok(())
    }
}
