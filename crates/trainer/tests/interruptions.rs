//! The trainer under faults, as separate processes: killed with SIGKILL at a random moment and
//! resumed, pointed at missing data or an unusable output directory, or diverging.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

fn train(out: &Path, extra: &[&str]) -> Command {
    let mut cmd = common::trainer();
    cmd.args(["train", "--data"])
        .arg(common::data_dir())
        .arg("--out")
        .arg(out)
        .args([
            "--epochs",
            "3",
            "--limit",
            "400",
            "--batch-size",
            "50",
            "--seed",
            "11",
        ])
        .args(extra);
    cmd
}

fn logits(weights: &Path) -> String {
    let out = common::succeed(
        common::trainer()
            .args(["logits", "--count", "8", "--weights"])
            .arg(weights)
            .arg("--data")
            .arg(common::data_dir()),
    );
    String::from_utf8(out.stdout).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_run_killed_at_a_random_moment_resumes_to_the_same_weights() {
    let straight = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let done = train(straight.path(), &[]).output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    let duration = started.elapsed();

    // Three kills at moments spread over the run, different on every test run (printed to
    // reproduce), each followed by a resume that is itself killed, then one that finishes.
    let killed = tempfile::tempdir().unwrap();
    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    for _ in 0..3 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let share = 0.2 + 0.8 * ((seed >> 33) as f64 / (1u64 << 31) as f64);
        let at = duration.mul_f64(share);
        println!("killing the run after {at:?} of about {duration:?}");
        let mut child = train(killed.path(), &["--resume"]).spawn().unwrap();
        std::thread::sleep(at);
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
    }

    let resumed = train(killed.path(), &["--resume"]).output().unwrap();
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_eq!(
        logits(&killed.path().join("mnist-cnn.bpk")),
        logits(&straight.path().join("mnist-cnn.bpk")),
        "killed and resumed, the run ended with other weights"
    );
}

#[test]
fn missing_data_is_a_clear_error() {
    let out = tempfile::tempdir().unwrap();
    let output = common::trainer()
        .args(["train", "--data", "/nonexistent/mnist", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("MNIST files not found in /nonexistent/mnist"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unusable_output_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"keep me").unwrap();
    let output = train(&file.join("out"), &[]).output().unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("cannot create"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
}

#[test]
fn a_diverging_run_stops_with_a_clear_message() {
    let out = tempfile::tempdir().unwrap();
    let output = train(out.path(), &["--lr", "1e30", "--no-augment"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("training diverged") && message.contains("lower --lr"),
        "{message}"
    );
    assert!(
        !out.path().join("mnist-cnn.bpk").exists(),
        "no weights are exported from a diverged run"
    );
}

/// Unmounts on drop, so a failing assertion does not leave the mount behind.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_a_clear_error_and_keeps_earlier_files() {
    let dir = tempfile::tempdir().unwrap();
    // 30 MB: room for the earlier weights and one model checkpoint, not for the optimizer's.
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=30m", "tmpfs"])
        .arg(dir.path())
        .output();
    if !matches!(&mounted, Ok(o) if o.status.success()) {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    let _mounted = Mounted(dir.path().to_path_buf());
    let earlier = dir.path().join("mnist-cnn.bpk");
    std::fs::copy(common::shipped_weights(), &earlier).unwrap();

    let output = train(dir.path(), &[]).output().unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("No space left on device"), "{message}");
    assert_eq!(
        std::fs::read(&earlier).unwrap(),
        std::fs::read(common::shipped_weights()).unwrap(),
        "the earlier weights are intact"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("checkpoint"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".tmp-") || name == "state.json")
        .collect();
    assert!(leftovers.is_empty(), "half-written files: {leftovers:?}");
}

/// Multiplies every weight, as a diverging optimiser would.
struct BlowUp;

impl burn::module::ModuleMapper for BlowUp {
    fn map_float<const D: usize>(
        &mut self,
        param: burn::module::Param<burn::tensor::Tensor<D>>,
    ) -> burn::module::Param<burn::tensor::Tensor<D>> {
        param.map(|t| t.mul_scalar(1e30))
    }
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.clone(), std::fs::read(p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn a_run_diverging_after_a_checkpoint_keeps_that_checkpoint() {
    use burn::module::Module;
    use mnist_trainer::checkpoint;

    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut cmd = common::trainer();
        cmd.args(["train", "--data"])
            .arg(common::data_dir())
            .arg("--out")
            .arg(out.path())
            .args(["--limit", "300", "--batch-size", "50", "--no-augment"])
            .args(extra)
            .output()
            .unwrap()
    };
    let first = run(&["--epochs", "1"]);
    assert!(first.status.success(), "{}", stderr(&first));

    // Epoch 1's checkpoint, with weights that have blown up: the next step overflows.
    let device = burn::tensor::Device::flex().autodiff();
    let (model, optimizer, state) = checkpoint::load(out.path(), &device).unwrap().unwrap();
    checkpoint::save(out.path(), &model.map(&mut BlowUp), &optimizer, state).unwrap();
    let checkpoint_before = files(&checkpoint::dir(out.path()));
    let outputs_before = files(out.path());

    let second = run(&["--epochs", "2", "--resume"]);
    assert!(!second.status.success());
    let message = stderr(&second);
    println!("{message}");
    assert!(
        message.contains("training diverged")
            && message.contains("at epoch 2")
            && message.contains("last good checkpoint (epoch 1) is kept"),
        "{message}"
    );
    assert_eq!(files(&checkpoint::dir(out.path())), checkpoint_before);
    assert_eq!(
        files(out.path()),
        outputs_before,
        "weights, card and metrics untouched"
    );
    let (_, _, state) = checkpoint::load(out.path(), &device).unwrap().unwrap();
    assert_eq!(state.epoch, 1);
}

/// bf16 training runs on LibTorch only, so this needs a `--features tch` build (see the README);
/// the default test run has no LibTorch and skips it.
#[cfg(feature = "tch")]
#[test]
fn a_bf16_run_resumed_from_its_checkpoint_ends_with_the_same_weights() {
    let run = |out: &Path, extra: &[&str]| {
        let output = common::trainer()
            .args(["train", "--data"])
            .arg(common::data_dir())
            .arg("--out")
            .arg(out)
            .args(["--backend", "tch", "--bf16", "--limit", "300"])
            .args([
                "--batch-size",
                "50",
                "--seed",
                "5",
                "--lr-schedule",
                "constant",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    };
    let straight = tempfile::tempdir().unwrap();
    run(straight.path(), &["--epochs", "2"]);
    let resumed = tempfile::tempdir().unwrap();
    run(resumed.path(), &["--epochs", "1"]);
    run(resumed.path(), &["--epochs", "2", "--resume"]);
    assert_eq!(
        logits(&resumed.path().join("mnist-cnn.bpk")),
        logits(&straight.path().join("mnist-cnn.bpk")),
        "stopped after epoch 1 and resumed, the bf16 run ended with other weights"
    );
}
