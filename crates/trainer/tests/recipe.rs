//! `trainer recipe` on real MNIST, each step on 64 of its images: every step runs in order
//! from the one before, the last card records them all with the data's checksums, and a recipe
//! stopped part-way goes on with the steps not done, leaving the done ones alone.

mod common;

use std::path::Path;

use mnist_trainer::export::ModelCard;
use mnist_trainer::hash::sha256_hex;
use mnist_trainer::mnist;
use mnist_trainer::recipe::STEPS;

fn recipe(out: &Path) {
    common::succeed(
        common::trainer()
            .args(["recipe", "--limit", "64", "--data"])
            .arg(common::data_dir())
            .arg("--out")
            .arg(out),
    );
}

fn card(path: &Path) -> ModelCard {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn sha(path: &Path) -> String {
    sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn the_recipe_runs_every_step_records_them_and_goes_on_after_a_stop() {
    let out = tempfile::tempdir().unwrap();
    let dir = |name: &str| out.path().join(name);
    recipe(out.path());

    let last = card(&dir("blend").join("mnist-cnn.json"));
    let entry = last.recipe.expect("the last card records the recipe");
    let names: Vec<_> = entry.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, STEPS.map(|s| s.name));
    for step in &entry.steps {
        assert_eq!(
            step.weights_sha256,
            sha(&dir(&step.name).join("mnist-cnn.bpk"))
        );
    }
    // Each step starts from the one before it, with its own flags.
    let command = |name: &str| &entry.steps.iter().find(|s| s.name == name).unwrap().command;
    let pen_weights = dir("pen").join("mnist-cnn.bpk").display().to_string();
    assert!(command("scratch").contains("--no-pen"));
    assert!(command("pen").contains(&dir("scratch").join("mnist-cnn.bpk").display().to_string()));
    assert!(command("writers").contains(&pen_weights));
    assert!(command("writers-distil").contains(&pen_weights));
    assert!(command("writers-distil").contains("--distil 1"));
    assert!(command("blend").contains("--share 0.5"));
    // The MNIST files read are the official ones.
    for file in mnist::FILES {
        let data = entry
            .data
            .iter()
            .find(|d| d.name.ends_with(file.name))
            .unwrap();
        assert_eq!(data.sha256, file.sha256, "{}", file.name);
    }
    assert!(entry.data.iter().any(|d| d.name.starts_with("optdigits")));

    // Stopped before the last two steps had finished: only those run again.
    let scratch = sha(&dir("scratch").join("mnist-cnn.bpk"));
    let writers = std::fs::metadata(dir("writers").join("mnist-cnn.bpk"))
        .unwrap()
        .modified()
        .unwrap();
    std::fs::remove_file(dir("writers-distil").join("mnist-cnn.json")).unwrap();
    std::fs::remove_dir_all(dir("blend")).unwrap();
    recipe(out.path());
    assert_eq!(sha(&dir("scratch").join("mnist-cnn.bpk")), scratch);
    let again = std::fs::metadata(dir("writers").join("mnist-cnn.bpk"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(again, writers, "a finished step is not run again");
    let last = card(&dir("blend").join("mnist-cnn.json"));
    assert_eq!(last.recipe.unwrap().steps.len(), STEPS.len());
}

#[test]
fn a_recipe_into_a_file_is_refused_with_a_reason() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let output = common::trainer()
        .args(["recipe", "--limit", "64", "--data"])
        .arg(common::data_dir())
        .arg("--out")
        .arg(file.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("step scratch failed"), "{error}");
}
