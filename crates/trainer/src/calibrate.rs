//! `trainer calibrate`: fits the temperature that makes the network's confidence honest on the
//! 5,000 validation images, writes it into the weights file's metadata, and reports what it
//! bought on the test set, and how often "not sure" fires on test digits against letters and
//! scribbles it was never trained on, for each threshold.

use std::fmt;
use std::path::Path;

use anyhow::Result;
use burn::tensor::Device;
use mnist_model::calibration::{
    KEY_TEMPERATURE, SURE_AT_LEAST, Verdict, expected_calibration_error, fit_temperature, nll,
    probabilities,
};
use mnist_model::{Cnn, NUM_CLASSES, weights};
use serde::{Deserialize, Serialize};

use crate::mnist::{self, Split};
use crate::{atomic, logits, probes};

/// Thresholds whose trade-off is printed.
const THRESHOLDS: [f32; 7] = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95];
/// Random scribbles and lines measured.
const SCRIBBLES: usize = 300;

/// What calibration found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub temperature: f32,
    /// On the 5,000 validation images it was fitted on, before (temperature 1) and after.
    pub validation_nll_before: f64,
    pub validation_nll_after: f64,
    /// On the 10,000 test images, before and after.
    pub test_ece_before: f64,
    pub test_ece_after: f64,
    pub test_nll_before: f64,
    pub test_nll_after: f64,
    pub letters: usize,
    pub scribbles: usize,
    /// The trade-off at each threshold; the one the app uses is [`SURE_AT_LEAST`].
    pub thresholds: Vec<Threshold>,
}

/// How often answers fall under one threshold (after calibration).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Threshold {
    pub threshold: f32,
    /// Share of the test digits answered "not sure".
    pub test_unsure: f64,
    /// Accuracy on the test digits answered with one digit.
    pub test_sure_accuracy: f64,
    /// Shares of the letters and of the scribbles answered "not sure".
    pub letters_unsure: f64,
    pub scribbles_unsure: f64,
}

/// Fits the temperature of `model` (from the weights file `bytes`) on the `validation` images,
/// measures it on the test images (their logits, computed once by the caller, and labels), and
/// returns the file with it, with the report.
pub fn calibrate(
    model: &Cnn,
    bytes: &[u8],
    validation: &Split,
    test_logits: &[[f32; NUM_CLASSES]],
    test_labels: &[u8],
    device: &Device,
) -> Result<(Vec<u8>, Report)> {
    let validation_logits = logits::of(model, &logits::inputs(validation), device);
    let temperature = fit_temperature(&validation_logits, &validation.labels);

    let calibrated =
        |l: &[[f32; NUM_CLASSES]], t| -> Vec<_> { l.iter().map(|x| probabilities(x, t)).collect() };
    let test_before = calibrated(test_logits, 1.0);
    let test_after = calibrated(test_logits, temperature);
    let letters: Vec<_> = probes::letters().into_iter().map(|(_, x)| x).collect();
    let letters = calibrated(&logits::of(model, &letters, device), temperature);
    let scribbles = probes::scribbles(SCRIBBLES, 7);
    let scribbles = calibrated(&logits::of(model, &scribbles, device), temperature);

    let unsure = |p: &[[f32; NUM_CLASSES]], at: f32| {
        p.iter().filter(|x| Verdict::of(x).confidence < at).count() as f64 / p.len() as f64
    };
    let thresholds = THRESHOLDS
        .iter()
        .map(|&at| {
            let sure: Vec<_> = test_after
                .iter()
                .zip(test_labels)
                .filter(|(p, _)| Verdict::of(p).confidence >= at)
                .collect();
            let right = sure
                .iter()
                .filter(|(p, y)| Verdict::of(p).digit == **y as usize)
                .count();
            Threshold {
                threshold: at,
                test_unsure: unsure(&test_after, at),
                test_sure_accuracy: right as f64 / sure.len().max(1) as f64,
                letters_unsure: unsure(&letters, at),
                scribbles_unsure: unsure(&scribbles, at),
            }
        })
        .collect();
    let report = Report {
        temperature,
        validation_nll_before: nll(&validation_logits, &validation.labels, 1.0),
        validation_nll_after: nll(&validation_logits, &validation.labels, temperature),
        test_ece_before: expected_calibration_error(&test_before, test_labels),
        test_ece_after: expected_calibration_error(&test_after, test_labels),
        test_nll_before: nll(test_logits, test_labels, 1.0),
        test_nll_after: nll(test_logits, test_labels, temperature),
        letters: letters.len(),
        scribbles: scribbles.len(),
        thresholds,
    };
    let bytes = weights::with_metadata(bytes, &[(KEY_TEMPERATURE, temperature.to_string())])?;
    Ok((bytes, report))
}

/// Calibrates the weights file at `path` and writes the result to `out` (atomically); returns
/// the report and the bytes written.
pub fn calibrate_file(
    model: &Cnn,
    path: &Path,
    out: &Path,
    data: &Path,
    device: &Device,
) -> Result<(Report, Vec<u8>)> {
    let bytes = crate::weights_file::read(path)?;
    let all = mnist::load_train(data)?;
    let (_, validation) = mnist::train_and_validation(&all, None)?;
    let test = mnist::load_test(data)?;
    let test_logits = logits::of(model, &logits::inputs(&test), device);
    let (calibrated, report) = calibrate(
        model,
        &bytes,
        &validation,
        &test_logits,
        &test.labels,
        device,
    )?;
    atomic::write(out, &calibrated)?;
    Ok((report, calibrated))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "temperature {:.4}, fitted on the 5,000 validation images (log-loss {:.4} -> {:.4})",
            self.temperature, self.validation_nll_before, self.validation_nll_after
        )?;
        writeln!(
            f,
            "test set: expected calibration error {:.4} -> {:.4}, log-loss {:.4} -> {:.4}",
            self.test_ece_before, self.test_ece_after, self.test_nll_before, self.test_nll_after
        )?;
        writeln!(
            f,
            "\n\"not sure\" below each threshold (calibrated): test digits, their accuracy when sure, {} letters, {} scribbles",
            self.letters, self.scribbles
        )?;
        writeln!(
            f,
            "  threshold  test unsure  sure accuracy  letters unsure  scribbles unsure"
        )?;
        for t in &self.thresholds {
            let used = if t.threshold == SURE_AT_LEAST {
                "  <- the app's"
            } else {
                ""
            };
            writeln!(
                f,
                "  {:>9.2}  {:>10.2}%  {:>12.2}%  {:>13.1}%  {:>15.1}%{used}",
                t.threshold,
                100.0 * t.test_unsure,
                100.0 * t.test_sure_accuracy,
                100.0 * t.letters_unsure,
                100.0 * t.scribbles_unsure
            )?;
        }
        Ok(())
    }
}
