//! Replays the inputs kept from fuzzing (`fuzz/regressions/`, see `fuzz/run.sh`) through the
//! same entry points as the fuzz targets, so every `cargo test` checks them again.

use std::path::PathBuf;

use burn::tensor::Device;
use mnist_model::idx::{gunzip, parse_images, parse_labels};
use mnist_model::{Bitmap, image_file, preprocess, segment, weights};

/// Where the kept inputs of fuzz target `target` are.
fn regressions(target: &str) -> PathBuf {
    // Read when the test runs (`cargo test` sets it): a build cached from a checkout
    // elsewhere must not read that checkout's inputs.
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from)
        .join("../../fuzz/regressions")
        .join(target)
}

fn inputs(target: &str) -> Vec<Vec<u8>> {
    let dir = regressions(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no kept inputs in {}", dir.display());
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

#[test]
fn idx_inputs() {
    for data in inputs("idx") {
        let _ = parse_images(&data);
        let _ = parse_labels(&data);
        if let Ok(raw) = gunzip(&data) {
            let _ = parse_images(&raw);
            let _ = parse_labels(&raw);
        }
    }
}

include!("../../../fuzz/fuzz_targets/weights_input.rs");

#[test]
fn weights_inputs() {
    for data in inputs("weights") {
        let _ = weights::inspect(&data);
        let _ = weights::decode(&data, &Device::flex());
        if let Some(file) = weights_file(&data) {
            let _ = weights::decode(&file, &Device::flex());
        }
    }
}

#[test]
fn image_header_inputs() {
    for data in inputs("image_header") {
        if let Some((width, height)) = image_file::dimensions(&data) {
            let _ = image_file::check(width, height);
        }
    }
}

include!("../../../fuzz/fuzz_targets/preprocess_input.rs");

#[test]
fn preprocess_inputs() {
    for data in inputs("preprocess") {
        if let Some((width, height, format, pixels)) = bitmap_parts(&data) {
            let bitmap = Bitmap {
                width,
                height,
                format,
                pixels: &pixels,
            };
            let _ = preprocess(bitmap);
            // The same images as a number: grouping, and cutting what looks like touching digits.
            let _ = segment(bitmap);
        }
    }
}

/// The hand-made seeds get past the header and checksum to the checks on the tensors.
#[test]
fn weights_seeds_reach_the_tensor_checks() {
    let dir = regressions("weights");
    let error = |seed: &str| {
        let file = weights_file(&std::fs::read(dir.join(seed)).unwrap()).unwrap();
        weights::decode(&file, &Device::flex())
            .unwrap_err()
            .to_string()
    };
    assert!(error("seed-small-real-f32").contains("missing"));
    assert!(error("seed-nan").contains("fc2.bias holds the value NaN"));
    assert!(error("seed-int8-no-scale").contains("fc1.weight is int8 but has no .scale"));
    assert!(error("seed-int8-with-scale").contains("do not fit"));
}

#[test]
fn handwriting_inputs() {
    use mnist_model::handwriting::{Corpus, Part};
    let mut parsed = 0;
    for data in inputs("handwriting") {
        for corpus in Corpus::ALL {
            if let Ok(scans) = corpus.parse(&data) {
                parsed += 1;
                for i in scans.part(Part::Validation).chain(0..scans.len().min(4)) {
                    let _ = scans.input(i);
                }
            }
        }
    }
    assert!(parsed >= 2, "the seeds of both corpora parse");
}
