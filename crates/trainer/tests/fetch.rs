//! `trainer fetch` with the files already present: verified by SHA-256, nothing downloaded;
//! a damaged file is named, not silently used.

mod common;

use mnist_trainer::mnist::FILES;

#[test]
fn verifies_files_that_are_present_and_names_a_damaged_one() {
    let dir = tempfile::tempdir().unwrap();
    for file in &FILES {
        std::fs::copy(
            mnist_trainer::mnist::locate(&common::data_dir(), file),
            dir.path().join(file.name),
        )
        .unwrap();
    }
    let output = common::trainer()
        .args(["fetch", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.matches("present and verified").count(),
        4,
        "{stdout}"
    );

    let labels = dir.path().join("t10k-labels-idx1-ubyte");
    let mut bytes = std::fs::read(&labels).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&labels, &bytes).unwrap();
    let output = common::trainer()
        .args(["fetch", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("t10k-labels-idx1-ubyte") && stderr.contains("SHA-256"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&labels).unwrap(),
        bytes,
        "the damaged file is left for the user to see"
    );
}
