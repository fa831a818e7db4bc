//! `trainer`: fetch MNIST, train the seed CNN, evaluate it, and recognise digits in images.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use mnist_model::weights::{self, Precision};
use mnist_trainer::backend::Backend;
use mnist_trainer::bench;
use mnist_trainer::evaluate::evaluate;
use mnist_trainer::export::{self, paths};
use mnist_trainer::fetch;
use mnist_trainer::mnist;
use mnist_trainer::predict::{load_input, predict};
use mnist_trainer::train::{self, Schedule, TrainConfig};

#[derive(Parser)]
#[command(
    version,
    about = "Train the MNIST CNN with Burn and export the weights the browser app loads"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Download the four MNIST files from the public mirrors and verify their SHA-256.
    Fetch {
        /// Directory to put them in.
        #[arg(long, default_value = "data")]
        data: PathBuf,
    },
    /// Train the network, checkpointing every epoch, then export weights and a model card.
    Train {
        /// Directory holding the MNIST files (raw or .gz).
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Directory for checkpoints, metrics, the curve, the weights and the model card.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 10)]
        epochs: usize,
        #[arg(long, default_value_t = 128)]
        batch_size: usize,
        /// Adam's learning rate.
        #[arg(long, default_value_t = 1e-3)]
        lr: f64,
        #[arg(long, value_enum, default_value_t = Schedule::Constant)]
        lr_schedule: Schedule,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Train on the first N training images only (quick runs).
        #[arg(long)]
        limit: Option<usize>,
        /// Train on the images as they are, without random rotation, scale, shift and stroke weight.
        #[arg(long)]
        no_augment: bool,
        /// Continue from the last checkpoint in --out.
        #[arg(long)]
        resume: bool,
        #[arg(long, value_enum, default_value_t = Backend::Flex)]
        backend: Backend,
        /// Compute in bfloat16 (experimental; fast with `--backend tch` on CPUs with AVX512_BF16).
        #[arg(long)]
        bf16: bool,
        /// How the exported weights are stored: int8 (smallest download), f16 or f32.
        #[arg(long, default_value = "int8")]
        precision: Precision,
    },
    /// Test accuracy, per-class accuracy and confusion matrix of a weights file.
    Eval {
        #[arg(long)]
        weights: PathBuf,
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum, default_value_t = Backend::Flex)]
        backend: Backend,
    },
    /// Print the inputs and logits of the first test images as JSON (to compare backends).
    Logits {
        #[arg(long)]
        weights: PathBuf,
        #[arg(long, default_value = "data")]
        data: PathBuf,
        #[arg(long, default_value_t = 10)]
        count: usize,
        #[arg(long, value_enum, default_value_t = Backend::Flex)]
        backend: Backend,
    },
    /// Time one training epoch and one test-set evaluation, printed as one JSON line (for
    /// `bench/train_vs_keras.py`, which runs this beside the Keras reference).
    BenchEpoch {
        #[arg(long, default_value = "data")]
        data: PathBuf,
        #[arg(long, default_value_t = 128)]
        batch_size: usize,
        /// Train on the first N of the 55,000 training images only.
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value_t = Backend::Flex)]
        backend: Backend,
        /// Compute in bfloat16 (experimental; fast with `--backend tch` on CPUs with AVX512_BF16).
        #[arg(long)]
        bf16: bool,
    },
    /// Recognise the digit in PNG or JPEG images (photos of paper, screenshots of a pad).
    Predict {
        #[arg(long)]
        weights: PathBuf,
        /// Print one JSON object per image.
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum, default_value_t = Backend::Flex)]
        backend: Backend,
        #[arg(required = true)]
        images: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    mnist_trainer::memory::keep_freed_memory();
    if let Command::Train { backend, .. } | Command::BenchEpoch { backend, .. } = &cli.command {
        backend.make_default();
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Fetch { data } => fetch::fetch(&data)?,
        Command::BenchEpoch {
            data,
            batch_size,
            limit,
            backend,
            bf16,
        } => {
            let timing = bench::epoch(backend, &data, batch_size, limit, bf16)?;
            println!("{}", serde_json::to_string(&timing)?);
        }
        Command::Train {
            data,
            out,
            epochs,
            batch_size,
            lr,
            lr_schedule,
            seed,
            limit,
            no_augment,
            resume,
            backend,
            bf16,
            precision,
        } => {
            let config = TrainConfig {
                epochs,
                batch_size,
                learning_rate: lr,
                seed,
                limit,
                augment: !no_augment,
                schedule: lr_schedule,
                backend,
                bf16,
            };
            let outcome = train::train(&config, &data, &out, resume)?;
            let test = mnist::load_test(&data)?;

            let command = std::env::args().collect::<Vec<_>>().join(" ");
            let (card, report) = export::export(
                &outcome.model,
                precision,
                &config,
                &outcome.history,
                outcome.train_images,
                &test,
                &out,
                &command,
            )?;
            let (weights_path, card_path) = paths(&out);
            println!("\n{report}\n");
            println!(
                "wrote {} ({} bytes, {}) and {}",
                weights_path.display(),
                card.weights_bytes,
                card.weights_precision,
                card_path.display()
            );
            println!(
                "metrics: {}  curve: {}",
                train::metrics_csv(&out).display(),
                train::curve_png(&out).display()
            );
        }
        Command::Eval {
            weights: path,
            data,
            json,
            backend,
        } => {
            let device = backend.device()?;
            let model = load_weights(&path, &device)?;
            let test = mnist::load_test(&data)?;
            let report = evaluate(&model, &test, &device);
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!("{report}");
            }
        }
        Command::Logits {
            weights: path,
            data,
            count,
            backend,
        } => {
            let device = backend.device()?;
            let model = load_weights(&path, &device)?;
            let test = mnist::load_test(&data)?;
            let inputs: Vec<_> = (0..count.min(test.len())).map(|i| test.input(i)).collect();
            let (logits, _) = model.classify(&inputs, &device);
            let logits = logits.into_data().try_to_vec::<f32>().expect("f32 logits");
            let rows: Vec<_> = inputs
                .iter()
                .zip(logits.chunks(mnist_model::NUM_CLASSES))
                .enumerate()
                .map(|(i, (input, l))| {
                    serde_json::json!({ "index": i, "label": test.labels[i], "input": input.to_vec(), "logits": l })
                })
                .collect();
            println!("{}", serde_json::to_string(&rows)?);
        }
        Command::Predict {
            weights: path,
            json,
            backend,
            images,
        } => {
            let device = backend.device()?;
            let model = load_weights(&path, &device)?;
            let mut failed = false;
            for image in &images {
                let file = image.display().to_string();
                match load_input(image) {
                    Ok(input) => {
                        let p = predict(&model, &[input], &device).remove(0);
                        if json {
                            let line = serde_json::json!({
                                "file": file, "digit": p.digit, "confidence": p.confidence, "top3": p.top3,
                            });
                            println!("{line}");
                        } else {
                            let top3: Vec<String> = p
                                .top3
                                .iter()
                                .map(|(d, q)| format!("{d} ({:.1}%)", 100.0 * q))
                                .collect();
                            println!("{file}: {}  [{}]", p.digit, top3.join(", "));
                        }
                    }
                    Err(e) => {
                        failed = true;
                        if json {
                            println!(
                                "{}",
                                serde_json::json!({ "file": file, "error": format!("{e:#}") })
                            );
                        } else {
                            println!("{file}: error: {e:#}");
                        }
                    }
                }
            }
            if failed {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn load_weights(path: &std::path::Path, device: &burn::tensor::Device) -> Result<mnist_model::Cnn> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (model, _) =
        weights::decode(&bytes, device).with_context(|| format!("{}", path.display()))?;
    Ok(model)
}
