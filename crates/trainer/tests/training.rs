//! Tiny real training runs on real MNIST images: the loss falls, and a run stopped after a
//! checkpoint and resumed ends with exactly the weights of an uninterrupted run.

mod common;

use std::sync::Mutex;

use burn::tensor::Device;
use mnist_model::weights::{self, Precision};
use mnist_trainer::backend::{Backend, Compute};
use mnist_trainer::checkpoint;
use mnist_trainer::run::{Schedule, TrainConfig};
use mnist_trainer::train::train;

/// Burn's random generator (dropout) is per process: runs in parallel threads would draw from
/// it in turn and so stop being reproducible. These tests train one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn tiny(epochs: usize) -> TrainConfig {
    TrainConfig {
        epochs,
        batch_size: 50,
        learning_rate: 1e-3,
        seed: 7,
        limit: Some(300),
        augment: true,
        pen: true,
        redraw: 0.3,
        elastic: false,
        outliers: 0.125,
        writers: 0.0,
        trajectories: 0.0,
        distil: 0.0,
        init: None,
        schedule: Schedule::Constant,
        compute: Compute {
            backend: Backend::Flex,
            bf16: false,
        },
    }
}

fn params(out: &std::path::Path) -> Vec<u8> {
    let (model, _, _) = checkpoint::load(out, &Device::flex().autodiff())
        .unwrap()
        .unwrap();
    weights::encode(&model, Precision::F32, &[]).unwrap()
}

#[test]
fn loss_falls_on_a_few_hundred_images() {
    let _serial = serial();
    let out = tempfile::tempdir().unwrap();
    let config = TrainConfig {
        augment: false,
        schedule: Schedule::Constant,
        ..tiny(2)
    };
    let outcome = train(&config, &common::data_dir(), out.path(), false).unwrap();
    let h = &outcome.history;
    assert_eq!(h.len(), 2);
    assert!(h[1].train_loss < h[0].train_loss, "{h:?}");
    assert!(h[1].val_accuracy > 0.5, "{h:?}");
    let csv = std::fs::read_to_string(out.path().join("metrics.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    let png = std::fs::read(out.path().join("training-curve.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn resuming_after_a_checkpoint_gives_the_same_weights() {
    let _serial = serial();
    let data = common::data_dir();
    let straight = tempfile::tempdir().unwrap();
    train(&tiny(2), &data, straight.path(), false).unwrap();

    // Stop after the first epoch, as a kill during the second leaves the run, then resume.
    let stopped = tempfile::tempdir().unwrap();
    train(&tiny(1), &data, stopped.path(), false).unwrap();
    let resumed = train(&tiny(2), &data, stopped.path(), true).unwrap();

    assert_eq!(resumed.history.len(), 2);
    assert_eq!(
        params(stopped.path()),
        params(straight.path()),
        "the resumed run differs"
    );
}

#[test]
fn refuses_to_resume_with_other_settings() {
    let _serial = serial();
    let out = tempfile::tempdir().unwrap();
    let config = TrainConfig {
        limit: Some(100),
        ..tiny(1)
    };
    train(&config, &common::data_dir(), out.path(), false).unwrap();
    let other = TrainConfig { seed: 8, ..config };
    let err = train(&other, &common::data_dir(), out.path(), true).unwrap_err();
    assert!(format!("{err:#}").contains("other settings"), "{err:#}");
}

/// `trainer bench-epoch` on 256 images with `extra` arguments: its JSON line. A separate
/// process, so its random generator is its own.
fn bench_epoch(extra: &[&str]) -> serde_json::Value {
    common::json_output(
        common::trainer()
            .args(["bench-epoch", "--limit", "256", "--batch-size", "64"])
            .args(extra)
            .arg("--data")
            .arg(common::data_dir()),
    )
}

#[test]
fn bench_epoch_prints_its_figures_as_json() {
    let line = bench_epoch(&[]);
    for key in ["train_s", "train_img_s", "eval_s", "eval_img_s"] {
        assert!(line[key].as_f64().unwrap() > 0.0, "{key}: {line}");
    }
    // Trained on 256 images, the network already beats chance on the 10,000 test images.
    assert!(line["test_acc"].as_f64().unwrap() > 0.2, "{line}");
}

#[test]
fn bench_epoch_can_compute_in_bf16() {
    let line = bench_epoch(&["--bf16"]);
    assert!(line["test_acc"].as_f64().unwrap() > 0.2, "{line}");
}

/// What `trainer train` with `flags` (on 50 images, one epoch) says on refusing to start.
fn refusal(flags: &[&str]) -> String {
    let output = common::trainer()
        .arg("train")
        .args(flags)
        .args(["--epochs", "1", "--limit", "50", "--data"])
        .arg(common::data_dir())
        .arg("--out")
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(!output.status.success(), "{flags:?} started");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn bf16_training_on_flex_is_refused_with_a_reason() {
    let stderr = refusal(&["--bf16"]);
    assert!(
        stderr.contains("--bf16 trains with --backend tch"),
        "{stderr}"
    );
}

#[test]
fn distilling_without_a_network_to_keep_to_is_refused_with_a_reason() {
    let stderr = refusal(&["--distil", "1"]);
    assert!(stderr.contains("give it with --init"), "{stderr}");
}
