//! Whole numbers through `trainer predict --number`: MNIST test digits written side by side at
//! different sizes and spacings, photographed (grey paper, dark ink, blur, noise), are read as
//! the number with the shipped weights; `trainer calibrate` fits a temperature that makes the
//! confidence more honest and keeps the weights' accuracy.

mod common;

use image::{GrayImage, imageops};
use mnist_trainer::mnist;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// `digits` (indices into the test set) written left to right on grey paper, as a photo.
fn photo(test: &mnist::Split, digits: &[usize], rng: &mut SmallRng) -> GrayImage {
    let cell = rng.random_range(60..=140u32);
    let gap = (cell as f32 * rng.random_range(0.0..0.3)) as u32;
    let width = digits.len() as u32 * (cell + gap) + 80;
    let height = cell * 2;
    let mut canvas = GrayImage::new(width, height);
    for (k, &i) in digits.iter().enumerate() {
        let digit = GrayImage::from_raw(28, 28, test.images.image(i).to_vec()).unwrap();
        let drawn = imageops::resize(&digit, cell, cell, imageops::FilterType::Triangle);
        let x = 40 + k as u32 * (cell + gap);
        let y = cell / 2 + rng.random_range(0..=cell / 5) - cell / 10;
        imageops::overlay(&mut canvas, &drawn, i64::from(x), i64::from(y));
    }
    // White ink on black to dark ink on grey paper, then a camera's blur and noise.
    for p in canvas.pixels_mut() {
        let ink = f32::from(p.0[0]) / 255.0;
        p.0[0] = (215.0 - 175.0 * ink) as u8;
    }
    let mut photo = imageops::blur(&canvas, 1.2);
    for p in photo.pixels_mut() {
        let noise: f32 = rng.random_range(-12.0..12.0);
        p.0[0] = (f32::from(p.0[0]) + noise).clamp(0.0, 255.0) as u8;
    }
    photo
}

#[test]
fn numbers_photographed_on_paper_are_read() {
    let test = mnist::load_test(&common::data_dir()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = SmallRng::seed_from_u64(2026);
    let mut expected = Vec::new();
    let mut files = Vec::new();
    let mut next = 0;
    for n in 0..100 {
        let length = 2 + n % 5;
        let digits: Vec<usize> = (next..next + length).collect();
        next += length;
        let path = dir.path().join(format!("number-{n:03}.png"));
        photo(&test, &digits, &mut rng).save(&path).unwrap();
        expected.push(
            digits
                .iter()
                .map(|&i| test.labels[i].to_string())
                .collect::<String>(),
        );
        files.push(path);
    }
    let output = common::trainer()
        .args(["predict", "--number", "--json", "--weights"])
        .arg(common::shipped_weights())
        .args(&files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), expected.len());
    let mut misses = Vec::new();
    for (line, want) in lines.iter().zip(&expected) {
        let value = line["value"].as_str().unwrap();
        let digits = line["digits"].as_array().unwrap();
        assert_eq!(digits.len(), value.len(), "{line}");
        for d in digits {
            let b: Vec<u64> = d["box"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            assert!(b[2] > 0 && b[3] > 0, "{line}");
        }
        if value != want {
            misses.push(format!("{want} read as {value}"));
        }
    }
    let rate = 1.0 - misses.len() as f64 / expected.len() as f64;
    println!("numbers read: {:.1}% {misses:?}", 100.0 * rate);
    assert!(rate >= 0.97, "{misses:?}");
}

#[test]
fn calibration_stores_a_temperature_and_keeps_the_accuracy() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("calibrated.bpk");
    let report = common::json_output(
        common::trainer()
            .args(["calibrate", "--json", "--weights"])
            .arg(common::shipped_weights())
            .arg("--out")
            .arg(&out)
            .arg("--data")
            .arg(common::data_dir()),
    );
    println!("{report}");
    let t = report["temperature"].as_f64().unwrap();
    assert!(t > 0.05 && t < 20.0, "{report}");
    // The fitted temperature is the best one on the images it was fitted on.
    let nll = |k: &str| report[k].as_f64().unwrap();
    assert!(
        nll("validation_nll_after") <= nll("validation_nll_before"),
        "{report}"
    );
    assert_eq!(report["thresholds"].as_array().unwrap().len(), 7);
    // The novelty limit turns letters away that confidence lets through, and few digits.
    let unsure = |set: &str, how: &str| {
        report["unsure_at_the_apps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["set"] == set)
            .unwrap()[how]
            .as_f64()
            .unwrap()
    };
    assert!(
        unsure("letters", "with_novelty") >= unsure("letters", "confidence_alone") + 0.2,
        "{report}"
    );
    assert!(unsure("letters", "with_novelty") > 0.5, "{report}");
    assert!(unsure("test digits", "with_novelty") < 0.03, "{report}");

    let eval = |weights: &std::path::Path| {
        common::json_output(
            common::trainer()
                .args(["eval", "--json", "--weights"])
                .arg(weights)
                .arg("--data")
                .arg(common::data_dir()),
        )["accuracy"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(eval(&out), eval(&common::shipped_weights()));
}
