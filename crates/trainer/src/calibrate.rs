//! `trainer calibrate`: fits the temperature that makes the network's confidence honest on the
//! 5,000 validation images, and where the network puts digits (`mnist_model::novelty`, fitted
//! on training digits drawn the ways the app sees them and on the real writers' training
//! digits), writes both into the weights file's metadata, and reports what they bought on the
//! test set, and how often "not sure" fires on test digits against letters and scribbles it was
//! never trained on, for each threshold.

use std::fmt;
use std::path::Path;

use anyhow::Result;
use burn::tensor::{Device, Tensor};
use mnist_model::calibration::{
    KEY_TEMPERATURE, SURE_AT_LEAST, Verdict, expected_calibration_error, fit_temperature, nll,
    probabilities,
};
use mnist_model::novelty::{KEY_NOVELTY, Novelty};
use mnist_model::{Cnn, IMAGE_PIXELS, NUM_CLASSES, weights};
use serde::{Deserialize, Serialize};

use crate::mnist::{self, Split};
use crate::{atomic, heldout, logits, probes, writers};

/// Thresholds whose trade-off is printed.
const THRESHOLDS: [f32; 7] = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95];
/// Random scribbles and lines measured.
const SCRIBBLES: usize = 300;
/// MNIST training digits the novelty statistics are fitted on, each also drawn as pen strokes,
/// in another style and photographed (as `heldout` draws the test digits); the real writers'
/// training digits are fitted on too.
const NOVELTY_DIGITS: usize = 10_000;
/// Share of the validation digits kept under the novelty limit (measured: a higher limit lets
/// through more letters, a lower one turns away more pen digits; docs/numbers.md).
const NOVELTY_KEPT: f64 = 0.998;
/// Test digits drawn as pen strokes, in styles and as photos for the "not sure" rates.
const DRAWN_DIGITS: usize = 2_000;

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
    /// The novelty limit (squared distance to the nearest digit), and the shares it alone
    /// turns away: of the test digits, the letters and the scribbles.
    #[serde(default)]
    pub novelty_limit: f32,
    #[serde(default)]
    pub test_unlike: f64,
    #[serde(default)]
    pub letters_unlike: f64,
    #[serde(default)]
    pub scribbles_unlike: f64,
    /// "Not sure" at the app's threshold, on confidence alone and with the novelty limit:
    /// on the test digits, the letters, the scribbles, and the first test digits drawn as pen
    /// strokes, in other styles and photographed (`heldout`'s sets).
    #[serde(default)]
    pub unsure_at_the_apps: Vec<Unsure>,
    /// The trade-off at each threshold (with the novelty limit); the one the app uses is
    /// [`SURE_AT_LEAST`].
    pub thresholds: Vec<Threshold>,
}

/// How often one set is answered "not sure" at the app's threshold.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unsure {
    pub set: String,
    pub confidence_alone: f64,
    pub with_novelty: f64,
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

/// Answers to a set of inputs: calibrated probabilities, and whether each is unlike any digit.
struct Answers {
    probabilities: Vec<[f32; NUM_CLASSES]>,
    unlike: Vec<bool>,
}

impl Answers {
    fn of(model: &Cnn, dense: Tensor<2>, novelty: &Novelty, temperature: f32) -> Self {
        let scores = logits::column(novelty.scores(dense.clone()));
        Self {
            probabilities: logits::from_dense(model, dense)
                .iter()
                .map(|l| probabilities(l, temperature))
                .collect(),
            unlike: scores
                .iter()
                .map(|&s| novelty.unlike_any_digit(s))
                .collect(),
        }
    }

    fn verdicts(&self) -> impl Iterator<Item = Verdict> + '_ {
        self.probabilities
            .iter()
            .zip(&self.unlike)
            .map(|(p, &unlike)| Verdict::judged(p, unlike))
    }

    fn unsure_at_the_apps(&self, set: &str) -> Unsure {
        let alone = self
            .verdicts()
            .filter(|v| v.confidence < SURE_AT_LEAST)
            .count();
        Unsure {
            set: set.to_string(),
            confidence_alone: alone as f64 / self.unlike.len().max(1) as f64,
            with_novelty: self.unsure(SURE_AT_LEAST),
        }
    }

    /// Share answered "not sure" below `at` (or unlike any digit).
    fn unsure(&self, at: f32) -> f64 {
        let unsure = self
            .verdicts()
            .filter(|v| v.unlike_any_digit || v.confidence < at)
            .count();
        unsure as f64 / self.unlike.len().max(1) as f64
    }

    fn unlike(&self) -> f64 {
        self.unlike.iter().filter(|&&u| u).count() as f64 / self.unlike.len().max(1) as f64
    }
}

/// Fits the temperature of `model` (from the weights file `bytes`) on the `validation` images
/// and its novelty statistics on `train` digits, measures both on the test images (their dense
/// features, computed once by the caller, and labels), and returns the file with them, with
/// the report.
pub fn calibrate(
    model: &Cnn,
    bytes: &[u8],
    train: &Split,
    validation: &Split,
    test: (Tensor<2>, &Split),
    device: &Device,
) -> Result<(Vec<u8>, Report)> {
    let dense = |inputs: &[[f32; IMAGE_PIXELS]]| logits::dense(model, inputs, device);
    let validation_dense = dense(&logits::inputs(validation));
    let validation_logits = logits::from_dense(model, validation_dense.clone());
    let temperature = fit_temperature(&validation_logits, &validation.labels);

    let (fit_inputs, fit_labels) = drawn(train, NOVELTY_DIGITS)?;
    let novelty = Novelty::fit(dense(&fit_inputs), &fit_labels);
    let validation_scores = logits::column(novelty.scores(validation_dense));
    let novelty = novelty.with_limit(&validation_scores, NOVELTY_KEPT);

    let (test_dense, test) = test;
    let test_logits = logits::from_dense(model, test_dense.clone());
    let test_before: Vec<_> = test_logits.iter().map(|l| probabilities(l, 1.0)).collect();
    let test_after = Answers::of(model, test_dense, &novelty, temperature);
    let letters: Vec<_> = probes::letters().into_iter().map(|(_, x)| x).collect();
    let letters = Answers::of(model, dense(&letters), &novelty, temperature);
    let scribbles = Answers::of(
        model,
        dense(&probes::scribbles(SCRIBBLES, 7)),
        &novelty,
        temperature,
    );
    let mut unsure_at_the_apps = vec![
        test_after.unsure_at_the_apps("test digits"),
        letters.unsure_at_the_apps("letters"),
        scribbles.unsure_at_the_apps("scribbles"),
    ];
    let drawn = heldout::sets(test, DRAWN_DIGITS.min(test.len()));
    // The scans are the test set itself.
    for (name, inputs, _) in drawn.into_iter().skip(1) {
        let answers = Answers::of(model, dense(&inputs), &novelty, temperature);
        unsure_at_the_apps.push(answers.unsure_at_the_apps(&format!("test digits as {name}")));
    }

    let thresholds = THRESHOLDS
        .iter()
        .map(|&at| {
            let sure: Vec<_> = test_after
                .verdicts()
                .zip(&test.labels)
                .filter(|(v, _)| !v.unlike_any_digit && v.confidence >= at)
                .collect();
            let right = sure.iter().filter(|(v, y)| v.digit == **y as usize).count();
            Threshold {
                threshold: at,
                test_unsure: test_after.unsure(at),
                test_sure_accuracy: right as f64 / sure.len().max(1) as f64,
                letters_unsure: letters.unsure(at),
                scribbles_unsure: scribbles.unsure(at),
            }
        })
        .collect();
    let report = Report {
        temperature,
        validation_nll_before: nll(&validation_logits, &validation.labels, 1.0),
        validation_nll_after: nll(&validation_logits, &validation.labels, temperature),
        test_ece_before: expected_calibration_error(&test_before, &test.labels),
        test_ece_after: expected_calibration_error(&test_after.probabilities, &test.labels),
        test_nll_before: nll(&test_logits, &test.labels, 1.0),
        test_nll_after: nll(&test_logits, &test.labels, temperature),
        letters: letters.unlike.len(),
        scribbles: scribbles.unlike.len(),
        novelty_limit: novelty.limit,
        test_unlike: test_after.unlike(),
        letters_unlike: letters.unlike(),
        scribbles_unlike: scribbles.unlike(),
        unsure_at_the_apps,
        thresholds,
    };
    let bytes = weights::with_metadata(
        bytes,
        &[
            (KEY_TEMPERATURE, temperature.to_string()),
            (KEY_NOVELTY, novelty.encode()),
        ],
    )?;
    Ok((bytes, report))
}

/// The first `count` digits of `split` as the app sees digits (scanned, drawn as pen strokes,
/// in other styles and photographed), then the real writers' training digits as scans and
/// redrawn, so that their styles count as digits too (docs/numbers.md); with their labels.
fn drawn(split: &Split, count: usize) -> Result<(Vec<[f32; IMAGE_PIXELS]>, Vec<u8>)> {
    let writers = writers::training_digits()?;
    let scans = logits::inputs(&writers);
    let redrawn = heldout::redrawn(&scans);
    let (mut inputs, mut labels) = (Vec::new(), Vec::new());
    for (set_inputs, set_labels) in heldout::sets(split, count.min(split.len()))
        .into_iter()
        .map(|(_, inputs, labels)| (inputs, labels))
        .chain([(scans, writers.labels.clone()), (redrawn, writers.labels)])
    {
        inputs.extend(set_inputs);
        labels.extend(set_labels);
    }
    Ok((inputs, labels))
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
    let (train, validation) = mnist::train_and_validation(&all, None)?;
    let test = mnist::load_test(data)?;
    let test_dense = logits::dense(model, &logits::inputs(&test), device);
    let (calibrated, report) = calibrate(
        model,
        &bytes,
        &train,
        &validation,
        (test_dense, &test),
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
            "unlike any digit (distance beyond {:.0}): {:.2}% of test digits, {:.1}% of letters, {:.1}% of scribbles",
            self.novelty_limit,
            100.0 * self.test_unlike,
            100.0 * self.letters_unlike,
            100.0 * self.scribbles_unlike
        )?;
        writeln!(
            f,
            "\n\"not sure\" at the app's threshold ({SURE_AT_LEAST}): on confidence alone -> with the novelty limit"
        )?;
        for u in &self.unsure_at_the_apps {
            writeln!(
                f,
                "  {:<24} {:>5.1}% -> {:>5.1}%",
                u.set,
                100.0 * u.confidence_alone,
                100.0 * u.with_novelty
            )?;
        }
        writeln!(
            f,
            "\n\"not sure\" below each threshold (calibrated) or unlike any digit: test digits, their accuracy when sure, {} letters, {} scribbles",
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
