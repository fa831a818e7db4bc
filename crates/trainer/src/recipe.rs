//! `trainer recipe`: the shipped weights' whole recipe in one command. Each step is the
//! trainer itself run with the step's flags, into a folder of its own under `--out`, so every
//! step's model card records its own exact command. A step whose card exists is done and is
//! skipped, one with a checkpoint resumes, so the recipe picks up after a kill where it
//! stopped. At the end the last step's card gets a `recipe` entry: every step's command and
//! weights' SHA-256, and the SHA-256 of the data they read.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use mnist_model::handwriting::Part;
use serde_json::Value;

use crate::export::ModelCard;
use crate::hash::sha256_hex;
use crate::run::{DataFile, Recipe, RecipeStep, RunDir};
use crate::{atomic, idx, mnist, writers};

/// What one step runs.
pub enum Task {
    /// `trainer train` with these flags (separated by spaces), from the weights of the step
    /// named `init` if any.
    Train {
        init: Option<&'static str>,
        flags: &'static str,
    },
    /// `trainer blend`: `share` of the way from the step `weights` to the step `with`.
    Blend {
        weights: &'static str,
        with: &'static str,
        share: &'static str,
    },
}

/// A step of the recipe and the folder under `--out` it writes.
pub struct Step {
    pub name: &'static str,
    pub task: Task,
}

/// The shipped recipe (README, "The trainer"; why each step: docs/handwriting.md). The steps
/// before the last keep their weights at f32, so that no step starts from a rounded network.
pub const STEPS: [Step; 5] = [
    Step {
        name: "scratch",
        task: Task::Train {
            init: None,
            flags: "--epochs 20 --lr-schedule cosine --seed 42 --no-pen",
        },
    },
    Step {
        name: "pen",
        task: Task::Train {
            init: Some("scratch"),
            flags: "--epochs 2 --lr 3e-5 --lr-schedule cosine --seed 42",
        },
    },
    Step {
        name: "writers",
        task: Task::Train {
            init: Some("pen"),
            flags: "--epochs 4 --lr 2e-4 --lr-schedule cosine --seed 42 --writers 0.5",
        },
    },
    Step {
        name: "writers-distil",
        task: Task::Train {
            init: Some("pen"),
            flags: "--epochs 4 --lr 2e-4 --lr-schedule cosine --seed 42 --writers 0.5 --distil 1",
        },
    },
    Step {
        name: "blend",
        task: Task::Blend {
            weights: "writers-distil",
            with: "writers",
            share: "0.5",
        },
    },
];

/// Runs every step not yet done into `out` with the MNIST files in `data`, each training step
/// with `extra` flags too (`--limit N` for a quick run), then writes the `recipe` entry into
/// the last step's card. Returns that card's path.
pub fn run(data: &Path, out: &Path, extra: &[String], command: &str) -> Result<PathBuf> {
    let trainer = std::env::current_exe().context("cannot find the trainer's own executable")?;
    for step in &STEPS {
        let dir = RunDir::new(&out.join(step.name));
        if dir.card().exists() {
            println!("recipe: {} done ({})", step.name, dir.card().display());
            continue;
        }
        let args = arguments(step, data, out, extra, dir.checkpoints().exists());
        println!("recipe: {}: trainer {}", step.name, args.join(" "));
        let status = Command::new(&trainer)
            .args(&args)
            .status()
            .with_context(|| format!("cannot run step {}", step.name))?;
        if !status.success() {
            bail!(
                "step {} failed ({status}); the same command again resumes where it stopped",
                step.name
            );
        }
    }
    let last = RunDir::new(&out.join(STEPS[STEPS.len() - 1].name)).card();
    let mut card = ModelCard::read(&last)?;
    card.recipe = Some(Recipe {
        command: command.into(),
        steps: STEPS
            .iter()
            .map(|step| done(step.name, &RunDir::new(&out.join(step.name))))
            .collect::<Result<_>>()?,
        data: data_used(data)?,
    });
    atomic::write(&last, serde_json::to_string_pretty(&card)?.as_bytes())?;
    Ok(last)
}

/// The trainer's arguments for `step`.
fn arguments(step: &Step, data: &Path, out: &Path, extra: &[String], resume: bool) -> Vec<String> {
    let weights = |name: &str| RunDir::new(&out.join(name)).weights().display().to_string();
    let dir = out.join(step.name).display().to_string();
    let data = data.display().to_string();
    match &step.task {
        Task::Train { init, flags } => {
            let mut args = vec!["train".into(), "--data".into(), data, "--out".into(), dir];
            if let Some(init) = init {
                args.extend(["--init".into(), weights(init)]);
            }
            args.extend(flags.split_whitespace().map(String::from));
            args.extend(["--precision".into(), "f32".into()]);
            args.extend(extra.iter().cloned());
            if resume {
                args.push("--resume".into());
            }
            args
        }
        Task::Blend {
            weights: from,
            with,
            share,
        } => vec![
            "blend".into(),
            "--weights".into(),
            weights(from),
            "--with".into(),
            weights(with),
            "--share".into(),
            share.to_string(),
            "--data".into(),
            data,
            "--out".into(),
            dir,
        ],
    }
}

/// A finished step as its card (of any age) records it.
fn done(name: &str, dir: &RunDir) -> Result<RecipeStep> {
    let path = dir.card();
    let card: Value = serde_json::from_slice(
        &std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
    )
    .with_context(|| format!("{} is not JSON", path.display()))?;
    let (Some(command), Some(test_accuracy)) =
        (card["command"].as_str(), card["test_accuracy"].as_f64())
    else {
        bail!("{} has no command or test accuracy", path.display());
    };
    let weights = std::fs::read(dir.weights())
        .with_context(|| format!("cannot read {}", dir.weights().display()))?;
    Ok(RecipeStep {
        name: name.into(),
        command: command.into(),
        test_accuracy,
        weights_sha256: sha256_hex(&weights),
    })
}

/// MNIST's four files as read (uncompressed) and the real writers' corpora built in.
fn data_used(dir: &Path) -> Result<Vec<DataFile>> {
    let mut used = Vec::new();
    for file in mnist::FILES {
        let content = idx::read(&mnist::locate(dir, &file))?;
        let test = file.name == mnist::TEST_IMAGES.name || file.name == mnist::TEST_LABELS.name;
        used.push(DataFile {
            name: format!("MNIST {}", file.name),
            sha256: sha256_hex(&content),
            used: match test {
                true => "every step's test figures".into(),
                false => "training: the first 55,000; validation: the last 5,000".into(),
            },
        });
    }
    for scans in writers::corpora()? {
        let train = scans.part(Part::Train);
        used.push(DataFile {
            name: format!("{} (built in)", scans.corpus.file_name()),
            sha256: sha256_hex(writers::built_in(scans.corpus)),
            used: format!(
                "training (--writers): digits {} to {}",
                train.start + 1,
                train.end
            ),
        });
    }
    Ok(used)
}
