//! What a training run is: its settings, its learning-rate schedule, its per-epoch metrics, the
//! directory it writes and the names of every file in it, and its optimizer. A leaf: the
//! training loop, the checkpoints, the report and the export all build on it.

use std::path::{Path, PathBuf};

use mnist_model::Cnn;
use mnist_model::augment::PenAugmentation;
use serde::{Deserialize, Serialize};

use crate::backend::Compute;

/// The settings of a training run; all but `epochs` must match to resume a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
pub struct TrainConfig {
    /// Passes over the training images.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    /// Images per optimiser step.
    #[arg(long, default_value_t = 128)]
    pub batch_size: usize,
    /// Adam's learning rate.
    #[arg(long = "lr", default_value_t = 1e-3)]
    pub learning_rate: f64,
    /// Seeds the initial weights, the shuffling, the augmentation and dropout.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Train on the first `limit` training images only.
    #[arg(
        long,
        value_name = "N",
        help = "Train on the first N training images only (quick runs)"
    )]
    pub limit: Option<usize>,
    /// Whether training images are randomly transformed (`--no-augment` turns it off).
    #[arg(
        long = "no-augment",
        action = clap::ArgAction::SetFalse,
        help = "Train on the images as they are, without random rotation, scale, shift and stroke weight"
    )]
    pub augment: bool,
    /// Whether some training digits are redrawn as pen strokes, and some 7s, 1s, 4s and 9s in
    /// writing styles MNIST lacks (`--no-pen` turns it off). Runs from before it had none.
    #[arg(
        long = "no-pen",
        action = clap::ArgAction::SetFalse,
        help = "Train on the scans only, without digits redrawn as pen strokes or in other writing styles"
    )]
    #[serde(default)]
    pub pen: bool,
    /// The share of training digits redrawn as pen strokes when `pen` is on. Runs from before
    /// it could be chosen redrew 30 %.
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = PenAugmentation::default().redraw,
        help = "Share of the training digits redrawn as pen strokes (with the pen augmentation on)"
    )]
    #[serde(default = "default_redraw")]
    pub redraw: f64,
    /// Whether half the training digits are bent by elastic distortion (`--elastic`). Runs
    /// from before it had none.
    #[arg(
        long,
        help = "Bend half the training digits by elastic distortion (Simard et al., 2003)"
    )]
    #[serde(default)]
    pub elastic: bool,
    /// Non-digits (curves, turned and mirrored digits) added per training digit, trained
    /// towards "none of these" (outlier exposure). Off by default: it did not make the
    /// calibrated answer to letters and scribbles "not sure" more often (docs/numbers.md).
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.0,
        help = "Non-digits added per training digit, trained towards \"none of these\" (0: none)"
    )]
    #[serde(default)]
    pub outliers: f64,
    /// The share of each epoch's training digits that come from real writers outside MNIST
    /// (the training part of `writers`' corpora, repeated to make up the share). Runs from
    /// before it had none.
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.0,
        help = "Share of the training digits from real writers outside MNIST (optdigits, semeion; 0: none)"
    )]
    #[serde(default)]
    pub writers: f64,
    /// The share of each epoch's training digits that are real writers' pen movements, drawn
    /// as the pad draws them (the training part of `trajectories`, repeated to make up the
    /// share), counted after the `writers` mix. Runs from before it had none.
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.0,
        help = "Share of the training digits from real writers' pen movements (UCI pendigits; 0: none)"
    )]
    #[serde(default)]
    pub trajectories: f64,
    /// How strongly a fine-tuning run keeps to the `--init` network's answers on MNIST's own
    /// digits while it learns the others (learning without forgetting; 0: not at all). Runs
    /// from before it had none.
    #[arg(
        long,
        value_name = "WEIGHT",
        default_value_t = 0.0,
        help = "Keep to the --init network's answers on MNIST's digits, this weight beside the labels (0: off)"
    )]
    #[serde(default)]
    pub distil: f64,
    /// Start from the weights in this file instead of random ones (fine-tuning).
    #[arg(long, value_name = "WEIGHTS")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<PathBuf>,
    #[arg(long = "lr-schedule", value_enum, default_value_t = Schedule::Constant)]
    pub schedule: Schedule,
    #[command(flatten)]
    #[serde(flatten)]
    pub compute: Compute,
}

fn default_redraw() -> f64 {
    PenAugmentation::default().redraw
}

impl TrainConfig {
    /// A constant rate does not depend on the number of epochs, so a finished run can be
    /// extended; a cosine schedule does, so there the epochs must match too.
    pub fn resumable_from(&self, other: &TrainConfig) -> bool {
        let epochs = match self.schedule {
            Schedule::Constant => other.epochs,
            Schedule::Cosine => self.epochs,
        };
        TrainConfig {
            epochs,
            ..self.clone()
        } == *other
    }
}

/// How the learning rate changes over a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// The seed's: the same rate throughout.
    Constant,
    /// Cosine decay from the rate to 1 % of it over all steps.
    Cosine,
}

impl Schedule {
    /// The rate at `step` of `total` steps.
    pub fn rate(self, base: f64, step: usize, total: usize) -> f64 {
        match self {
            Schedule::Constant => base,
            Schedule::Cosine => {
                let progress = step as f64 / total.max(1) as f64;
                base * (0.01 + 0.99 * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos()))
            }
        }
    }
}

/// One row of the training history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    pub epoch: usize,
    pub train_loss: f64,
    pub train_accuracy: f64,
    pub val_loss: f64,
    pub val_accuracy: f64,
    pub seconds: f64,
}

/// What a finished run produced.
#[derive(Debug)]
pub struct Outcome {
    pub model: Cnn,
    pub config: TrainConfig,
    pub history: Vec<EpochMetrics>,
    /// Images trained on (after `--limit`).
    pub train_images: usize,
    /// When the network is this run's blended with other weights (`trainer blend`): how.
    pub blend: Option<Blend>,
}

/// A network made by averaging two weights files parameter by parameter: `share` of the way
/// from `weights` to `with` (the run whose training the card records).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blend {
    pub weights: String,
    pub weights_sha256: String,
    /// How `weights` was trained, where its model card lies beside it (a run's export), so
    /// that the card holds the whole recipe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_config: Option<TrainConfig>,
    pub with: String,
    pub with_sha256: String,
    pub share: f32,
}

/// How weights were made from the data up, step by step (`trainer recipe`), in the last
/// step's model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// The command that ran the recipe and wrote this entry.
    pub command: String,
    pub steps: Vec<RecipeStep>,
    pub data: Vec<DataFile>,
}

/// One step of a recipe as its own model card records it, with its weights file's SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipeStep {
    pub name: String,
    pub command: String,
    pub test_accuracy: f64,
    pub weights_sha256: String,
}

/// A file of data a recipe read: the SHA-256 of its content and what of it was used for what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataFile {
    pub name: String,
    pub sha256: String,
    pub used: String,
}

/// The directory a run writes, and the one place that names its files.
#[derive(Debug, Clone)]
pub struct RunDir(PathBuf);

/// Name of the exported weights (and, with `.json`, of the model card).
pub const WEIGHTS_STEM: &str = "mnist-cnn";

impl RunDir {
    pub fn new(path: &Path) -> Self {
        Self(path.to_path_buf())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Where the per-epoch checkpoints live.
    pub fn checkpoints(&self) -> PathBuf {
        self.0.join("checkpoint")
    }

    pub fn metrics_csv(&self) -> PathBuf {
        self.0.join("metrics.csv")
    }

    pub fn curve_png(&self) -> PathBuf {
        self.0.join("training-curve.png")
    }

    /// The exported weights, in the format the page loads.
    pub fn weights(&self) -> PathBuf {
        self.0.join(format!("{WEIGHTS_STEM}.bpk"))
    }

    /// The model card beside the weights.
    pub fn card(&self) -> PathBuf {
        self.0.join(format!("{WEIGHTS_STEM}.json"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_decays_from_the_rate_to_one_percent() {
        assert_eq!(Schedule::Constant.rate(0.1, 7, 10), 0.1);
        assert!((Schedule::Cosine.rate(1.0, 0, 10) - 1.0).abs() < 1e-12);
        assert!((Schedule::Cosine.rate(1.0, 10, 10) - 0.01).abs() < 1e-12);
    }

    #[test]
    fn records_compute_settings_at_the_top_level_as_before() {
        let json = r#"{"epochs":20,"batch_size":128,"learning_rate":0.001,"seed":42,
            "limit":null,"augment":true,"schedule":"cosine","backend":"flex"}"#;
        let config: TrainConfig = serde_json::from_str(json).unwrap();
        assert_eq!(config.compute, Compute::default());
        assert!(!config.pen, "runs from before pen strokes had none");
        let written = serde_json::to_value(&config).unwrap();
        assert_eq!(written["backend"], "flex");
        assert_eq!(written["bf16"], false);
    }

    #[test]
    fn a_constant_rate_run_can_be_extended_and_a_cosine_one_cannot() {
        let config: TrainConfig = serde_json::from_str(
            r#"{"epochs":2,"batch_size":50,"learning_rate":0.001,"seed":7,"limit":300,
                "augment":true,"schedule":"constant","backend":"flex","bf16":false}"#,
        )
        .unwrap();
        let longer = TrainConfig {
            epochs: 5,
            ..config.clone()
        };
        assert!(longer.resumable_from(&config));
        let cosine = |epochs| TrainConfig {
            epochs,
            schedule: Schedule::Cosine,
            ..config.clone()
        };
        assert!(!cosine(5).resumable_from(&cosine(2)));
        let reseeded = TrainConfig {
            seed: 8,
            ..config.clone()
        };
        assert!(!reseeded.resumable_from(&config));
    }
}
