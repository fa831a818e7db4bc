//! `trainer`: fetch MNIST, train the seed CNN, evaluate it, and recognise digits in images.
//! A thin CLI: flags are parsed into the library's own types, and each command's module does
//! the work and owns the shape of its output.

use std::fmt::Display;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use burn::tensor::Device;
use clap::{Args, Parser, Subcommand};
use mnist_model::recogniser::Recogniser;
use mnist_model::weights::Precision;
use mnist_trainer::backend::Compute;
use mnist_trainer::mnist::Split;
use mnist_trainer::run::{RunDir, TrainConfig};
use mnist_trainer::{
    atomic, bench, blend, calibrate, evaluate, export, fetch, heldout, logits, memory, mnist,
    pen_digits, predict, recipe, replay, samples, train, weights_file,
};
use serde::Serialize;

#[derive(Parser)]
#[command(
    version,
    about = "Train the MNIST CNN with Burn and export the weights the browser app loads"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the four MNIST files are.
#[derive(Args)]
struct Data {
    /// Directory of the four MNIST files (raw or .gz).
    #[arg(long, default_value = "data")]
    data: PathBuf,
}

/// A weights file to use.
#[derive(Args)]
struct Weights {
    /// A weights file exported by `trainer train` (e.g. web/model/mnist-cnn.bpk).
    #[arg(long)]
    weights: PathBuf,
}

/// Output as JSON instead of text.
#[derive(Args)]
struct Json {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Download the four MNIST files from the public mirrors and verify their SHA-256.
    Fetch {
        #[command(flatten)]
        data: Data,
    },
    /// Train the network, checkpointing every epoch, then export weights and a model card.
    Train {
        #[command(flatten)]
        data: Data,
        /// Directory for checkpoints, metrics, the curve, the weights and the model card.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        config: TrainConfig,
        /// Continue from the last checkpoint in --out.
        #[arg(long)]
        resume: bool,
        /// How the exported weights are stored: int4 (dense layers in 4 bits: the smallest
        /// download), int8, f16 or f32.
        #[arg(long, default_value = "int4")]
        precision: Precision,
    },
    /// Test accuracy, per-class accuracy and confusion matrix of a weights file.
    Eval {
        #[command(flatten)]
        weights: Weights,
        #[command(flatten)]
        data: Data,
        #[command(flatten)]
        json: Json,
        #[command(flatten)]
        compute: Compute,
    },
    /// Print the inputs and logits of the first test images as JSON (to compare backends).
    Logits {
        #[command(flatten)]
        weights: Weights,
        #[command(flatten)]
        data: Data,
        #[arg(long, default_value_t = 10)]
        count: usize,
        #[command(flatten)]
        compute: Compute,
    },
    /// Time one training epoch and one test-set evaluation, printed as one JSON line (for
    /// `bench/train_vs_keras.py`, which runs this beside the Keras reference).
    BenchEpoch {
        #[command(flatten)]
        data: Data,
        #[arg(long, default_value_t = 128)]
        batch_size: usize,
        /// Train on the first N of the 55,000 training images only.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        #[command(flatten)]
        compute: Compute,
    },
    /// Recognise the digit in PNG or JPEG images (photos of paper, screenshots of a pad).
    Predict {
        #[command(flatten)]
        weights: Weights,
        #[command(flatten)]
        json: Json,
        #[command(flatten)]
        compute: Compute,
        /// Read a whole number: every digit on the image, left to right.
        #[arg(long)]
        number: bool,
        #[arg(required = true)]
        images: Vec<PathBuf>,
    },
    /// Fit the temperature that makes the confidence honest (on the 5,000 validation images),
    /// store it in the weights file, and report what "not sure" catches at each threshold.
    Calibrate {
        #[command(flatten)]
        weights: Weights,
        /// Where to write the calibrated weights (default: over --weights).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        data: Data,
        #[command(flatten)]
        json: Json,
        #[command(flatten)]
        compute: Compute,
    },
    /// Accuracy, per digit, on real writers outside MNIST (their validation digits as scans and
    /// redrawn as pen strokes, and pen movements drawn as the pad draws them), and on
    /// handwriting made from the test digits in the forms users give: as scanned, redrawn as
    /// pen strokes, in other writing styles, photographed on paper.
    Heldout {
        #[command(flatten)]
        weights: Weights,
        #[command(flatten)]
        data: Data,
        /// Make the sets from the first N test digits.
        #[arg(long, value_name = "N", default_value_t = 10_000)]
        limit: usize,
        /// Also read each input moved a pixel each way and average the five answers
        /// (test-time averaging), to measure what that would buy.
        #[arg(long)]
        shifts: bool,
        /// Draw the real writers' misread digits into this PNG, as the network saw them.
        #[arg(long, value_name = "PNG")]
        misses: Option<PathBuf>,
        /// Also read every set with these weights and compare the two digit by digit: how
        /// many each reads right that the other misreads, and McNemar's chance of so uneven
        /// a split between equals (e.g. the shipped weights against a new run's).
        #[arg(long, value_name = "WEIGHTS")]
        against: Option<PathBuf>,
        #[command(flatten)]
        json: Json,
        #[command(flatten)]
        compute: Compute,
    },
    /// Store a weights file at another precision (e.g. int8 weights as int4, to shrink them),
    /// keeping its metadata; `eval` tells what the rounding cost.
    Convert {
        #[command(flatten)]
        weights: Weights,
        /// int4, int8, f16 or f32.
        #[arg(long)]
        precision: Precision,
        #[arg(long)]
        out: PathBuf,
    },
    /// Blend two weights files of this network parameter by parameter: `--share` of the way
    /// from `--weights` to `--with`, a run's export (its model card beside it). Exported like a
    /// run: calibrated, with a card that records both. How the shipped weights were made.
    Blend {
        #[command(flatten)]
        weights: Weights,
        /// The run's weights file to blend in (e.g. runs/writers/mnist-cnn.bpk).
        #[arg(long)]
        with: PathBuf,
        /// How far towards `--with`, from 0 to 1.
        #[arg(long)]
        share: f32,
        #[command(flatten)]
        data: Data,
        /// The directory to write the weights and their card into.
        #[arg(long)]
        out: PathBuf,
        /// int4, int8, f16 or f32.
        #[arg(long, default_value = "int4")]
        precision: Precision,
    },
    /// Make the shipped weights from MNIST in one command: every step of their recipe (README,
    /// "The trainer"), each into a folder of its own under --out, the blend last. Run again
    /// after a kill, it goes on where it stopped.
    Recipe {
        #[command(flatten)]
        data: Data,
        /// The directory the steps' folders go into (the weights: blend/mnist-cnn.bpk).
        #[arg(long)]
        out: PathBuf,
        /// Train every step on the first N training images only: a quick check of the
        /// recipe, not its weights.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Write the replay set the page mixes into its fine-tuning: MNIST training digits spread
    /// evenly over the 55,000 trained on, as two gzipped IDX files.
    Replay {
        #[command(flatten)]
        data: Data,
        /// How many digits.
        #[arg(long, default_value_t = 500)]
        count: usize,
        #[arg(long, default_value = "web/replay")]
        out: PathBuf,
    },
    /// Print the first test digits as the pen strokes training redraws them with (thinned,
    /// traced), as JSON: label and strokes, in 0..1 of the digit's 28×28 box. The browser tests
    /// write these on the pad.
    Strokes {
        #[command(flatten)]
        data: Data,
        #[arg(long, default_value_t = 10)]
        count: usize,
    },
    /// Draw what the pen augmentation makes of a training digit of each class, as a PNG.
    Samples {
        #[command(flatten)]
        data: Data,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

impl Command {
    /// The backend and float type the command computes with, if it computes.
    fn compute(&self) -> Option<Compute> {
        match self {
            Command::Fetch { .. }
            | Command::Samples { .. }
            | Command::Strokes { .. }
            | Command::Convert { .. }
            | Command::Blend { .. }
            | Command::Recipe { .. }
            | Command::Replay { .. } => None,
            Command::Train { config, .. } => Some(config.compute),
            Command::Eval { compute, .. }
            | Command::Logits { compute, .. }
            | Command::BenchEpoch { compute, .. }
            | Command::Predict { compute, .. }
            | Command::Calibrate { compute, .. }
            | Command::Heldout { compute, .. } => Some(*compute),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    memory::keep_freed_memory();
    if let Some(compute) = cli.command.compute() {
        compute.backend.make_default();
    }
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The command line as typed, for the model card.
fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Fetch { data } => fetch::fetch(&data.data)?,
        Command::Train {
            data,
            out,
            config,
            resume,
            precision,
        } => {
            let outcome = train::train(&config, &data.data, &out, resume)?;
            let all = mnist::load_train(&data.data)?;
            // The run's own training digits (a `--limit` run's few) for the novelty statistics;
            // all 5,000 validation images for the temperature.
            let (train_split, _) = mnist::train_and_validation(&all, config.limit)?;
            let (_, validation) = mnist::train_and_validation(&all, None)?;
            let test = mnist::load_test(&data.data)?;
            let command = command_line();
            let run = RunDir::new(&out);
            let exported = export::export(
                &outcome,
                precision,
                &train_split,
                &validation,
                &test,
                &run,
                &command,
            )?;
            println!("{exported}");
        }
        Command::Eval {
            weights,
            data,
            json,
            compute,
        } => {
            let (recogniser, test, device) = recogniser_and_test(&weights, &data, compute)?;
            emit(
                &evaluate::evaluate(&recogniser.model, &test, &device),
                json.json,
            )?;
        }
        Command::Logits {
            weights,
            data,
            count,
            compute,
        } => {
            let (recogniser, test, device) = recogniser_and_test(&weights, &data, compute)?;
            let rows = logits::first(&recogniser.model, &test, count, &device);
            println!("{}", serde_json::to_string(&rows)?);
        }
        Command::BenchEpoch {
            data,
            batch_size,
            limit,
            compute,
        } => {
            let timing = bench::epoch(compute, &data.data, batch_size, limit)?;
            println!("{}", serde_json::to_string(&timing)?);
        }
        Command::Predict {
            weights,
            json,
            compute,
            number,
            images,
        } => {
            let device = compute.device()?;
            let recogniser = weights_file::load(&weights.weights, &device)?;
            let answers = predict::predict_files(&recogniser, &images, number, &device);
            for answer in &answers {
                if json.json {
                    println!("{}", answer.to_json());
                } else {
                    println!("{answer}");
                }
            }
            if answers.iter().any(|a| a.answer.is_err()) {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Calibrate {
            weights,
            out,
            data,
            json,
            compute,
        } => {
            let device = compute.device()?;
            let recogniser = weights_file::load(&weights.weights, &device)?;
            let out = out.unwrap_or_else(|| weights.weights.clone());
            let (report, bytes) = calibrate::calibrate_file(
                &recogniser.model,
                &weights.weights,
                &out,
                &data.data,
                &device,
            )?;
            // Calibrated in place, the card beside the weights must say so.
            let card = if out == weights.weights {
                export::update_card(&out, &bytes, &report, &command_line())?
            } else {
                None
            };
            emit(&report, json.json)?;
            if !json.json {
                println!("wrote {}", out.display());
                if let Some(card) = card {
                    println!("updated {}", card.display());
                }
            }
        }
        Command::Heldout {
            weights,
            data,
            limit,
            shifts,
            misses,
            against,
            json,
            compute,
        } => {
            let (recogniser, test, device) = recogniser_and_test(&weights, &data, compute)?;
            let against = against
                .map(|path| weights_file::load(&path, &device))
                .transpose()?;
            let report = heldout::check(
                &recogniser,
                against.as_ref().map(|a| &a.model),
                &test,
                limit,
                shifts,
                misses.as_deref(),
                &device,
            )?;
            emit(&report, json.json)?;
        }
        Command::Blend {
            weights,
            with,
            share,
            data,
            out,
            precision,
        } => {
            let command = command_line();
            let exported = blend::run(
                &weights.weights,
                &with,
                share,
                &data.data,
                &out,
                precision,
                &command,
            )?;
            println!("{exported}");
        }
        Command::Recipe { data, out, limit } => {
            let command = command_line();
            let extra: Vec<String> = match limit {
                Some(n) => vec!["--limit".into(), n.to_string()],
                None => Vec::new(),
            };
            let card = recipe::run(&data.data, &out, &extra, &command)?;
            println!("recipe done: {}", card.display());
        }
        Command::Convert {
            weights,
            precision,
            out,
        } => {
            let bytes = weights_file::read(&weights.weights)?;
            let converted = mnist_model::weights::convert(&bytes, precision)
                .with_context(|| weights.weights.display().to_string())?;
            atomic::write(&out, &converted)?;
            println!(
                "wrote {} ({} bytes, {})",
                out.display(),
                converted.len(),
                precision.name()
            );
        }
        Command::Replay { data, count, out } => {
            let train = mnist::load_train(&data.data)?;
            let trained_on = train.len().saturating_sub(mnist::VALIDATION_IMAGES);
            replay::write(&train, trained_on, count, &out)?;
            println!("wrote {count} digits to {}", out.display());
        }
        Command::Strokes { data, count } => {
            let test = mnist::load_test(&data.data)?;
            let digits = pen_digits::first(&test, count);
            println!("{}", serde_json::to_string(&digits)?);
        }
        Command::Samples { data, out, seed } => {
            samples::write(&mnist::load_train(&data.data)?, seed, &out)?;
            println!("wrote {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The network in `weights`, with its calibration and novelty statistics, on `compute`'s
/// device, and the MNIST test set.
fn recogniser_and_test(
    weights: &Weights,
    data: &Data,
    compute: Compute,
) -> Result<(Recogniser, Split, Device)> {
    let device = compute.device()?;
    let recogniser = weights_file::load(&weights.weights, &device)?;
    Ok((recogniser, mnist::load_test(&data.data)?, device))
}

/// Prints `value` as one line of JSON or as its text form.
fn emit(value: &(impl Display + Serialize), json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(value)?);
    } else {
        println!("{value}");
    }
    Ok(())
}
