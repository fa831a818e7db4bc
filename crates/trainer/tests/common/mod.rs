//! Shared by the integration tests: where the real MNIST files and the shipped weights are.

#![allow(dead_code)]

use std::path::PathBuf;

/// The repository root. Read when the tests run (`cargo test` sets the variable): a build
/// cached from a checkout elsewhere must not look for the files there.
pub fn root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("../..")
}

/// The real MNIST files: `$MNIST_DATA`, else `data/` at the root (the test command puts them
/// there).
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("MNIST_DATA").map_or_else(|| root().join("data"), PathBuf::from);
    assert!(
        dir.join("t10k-labels-idx1-ubyte").exists()
            || dir.join("t10k-labels-idx1-ubyte.gz").exists(),
        "MNIST files not found in {}: run the README's test command, which installs them",
        dir.display()
    );
    dir
}

/// The weights the browser app ships.
pub fn shipped_weights() -> PathBuf {
    root().join("web/model/mnist-cnn.bpk")
}

/// The `trainer` binary built for these tests.
pub fn trainer() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_trainer"))
}

/// Runs `command` and checks that it succeeded, failing with its error output otherwise.
pub fn succeed(command: &mut std::process::Command) -> std::process::Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs `command`, checks that it succeeded, and parses its output as one JSON value.
pub fn json_output(command: &mut std::process::Command) -> serde_json::Value {
    serde_json::from_slice(&succeed(command).stdout).unwrap()
}
