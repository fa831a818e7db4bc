//! What teaching the page costs and buys, measured natively with the page's own code
//! (`mnist_model::adapt`): a style the shipped weights misread (a zero with a slash through it,
//! read as 8) taught from three drawings, then 40 new ones read, and MNIST's test set read
//! after adapting, for several recipes; the last is `AdaptConfig::default()`, the page's.
//! Prints figures; not a test.
//!   cargo run --release -p mnist-trainer --example adapt_measure -- [data dir] [weights]

use std::time::Instant;

use burn::tensor::{Device, Tensor};
use mnist_model::adapt::{AdaptConfig, Adapter, variants};
use mnist_model::network::images_tensor;
use mnist_model::personal::Example;
use mnist_model::{Cnn, IMAGE_PIXELS, Stroke, segment_strokes, weights};
use mnist_trainer::mnist;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// A zero with a slash through it, as a programmer writes one, on a 300-pixel pad.
fn slashed_zero(rng: &mut SmallRng) -> Vec<Stroke> {
    let (cx, cy) = (
        rng.random_range(90.0..210.0),
        rng.random_range(100.0..200.0),
    );
    let size = rng.random_range(0.4..1.0f32);
    let (rx, ry) = (
        size * rng.random_range(35.0..60.0),
        size * rng.random_range(70.0..95.0),
    );
    let tilt = rng.random_range(-0.25..0.25f32);
    let start = rng.random_range(0.0..360.0f32);
    let ring: Stroke = (0..=48)
        .map(|i| {
            let a = (start + 370.0 * i as f32 / 48.0).to_radians();
            let (x, y) = (rx * a.cos(), ry * a.sin());
            (
                cx + x * tilt.cos() - y * tilt.sin(),
                cy + x * tilt.sin() + y * tilt.cos(),
            )
        })
        .collect();
    let reach = rng.random_range(1.0..1.25f32);
    let lean = rng.random_range(0.5..1.0f32);
    let slash = vec![
        (cx - rx * lean * reach, cy + ry * reach),
        (cx + rx * lean * reach, cy - ry * reach),
    ];
    vec![ring, slash]
}

fn input(strokes: &[Stroke]) -> [f32; IMAGE_PIXELS] {
    segment_strokes(strokes, 18.0).expect("ink")[0].input
}

fn accuracy(model: &Cnn, features: Tensor<2>, labels: &[u8], class: Option<u8>) -> f64 {
    let logits = model.output_layer().forward(features);
    let values = logits.into_data().try_to_vec::<f32>().expect("f32");
    let (mut right, mut total) = (0, 0);
    for (row, &label) in values.chunks(10).zip(labels) {
        if class.is_some_and(|c| c != label) {
            continue;
        }
        let best = (0..10).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
        total += 1;
        right += usize::from(best == label as usize);
    }
    100.0 * right as f64 / total.max(1) as f64
}

fn dense(model: &Cnn, inputs: &[[f32; IMAGE_PIXELS]], device: &Device) -> Tensor<2> {
    let parts = inputs
        .chunks(500)
        .map(|c| model.dense(images_tensor(c, device)))
        .collect();
    Tensor::cat(parts, 0)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let data = args.get(1).map_or("data", String::as_str);
    let path = args
        .get(2)
        .map_or("web/model/mnist-cnn.bpk", String::as_str);
    let device = Device::flex();
    let (model, _) = weights::decode(&std::fs::read(path)?, &device)?;
    let test = mnist::load_test(data.as_ref())?;
    let train = mnist::load_train(data.as_ref())?;
    let test_inputs: Vec<_> = (0..test.len()).map(|i| test.input(i)).collect();
    let test_features = dense(&model, &test_inputs, &device);

    let mut rng = SmallRng::seed_from_u64(7);
    let taught: Vec<Example> = (0..3)
        .map(|_| Example {
            input: input(&slashed_zero(&mut rng)),
            label: 0,
        })
        .collect();
    let new: Vec<_> = (0..40).map(|_| input(&slashed_zero(&mut rng))).collect();
    let new_features = dense(&model, &new, &device);
    let zeros = vec![0u8; new.len()];
    println!(
        "shipped: slashed zeros {:.0} %, MNIST {:.2} % (0s {:.2}, 8s {:.2})",
        accuracy(&model, new_features.clone(), &zeros, None),
        accuracy(&model, test_features.clone(), &test.labels, None),
        accuracy(&model, test_features.clone(), &test.labels, Some(0)),
        accuracy(&model, test_features.clone(), &test.labels, Some(8)),
    );
    println!(
        "replay  steps  batch  share  variants  rate | zeros  MNIST  0s     8s     | features ms  steps ms"
    );
    // (replay digits, steps, share of the user's examples, forms of each example, Adam rate)
    let table = [
        (500, 150, 0.5, 8, 1e-3),
        (500, 50, 0.5, 8, 1e-3),
        (200, 150, 0.5, 8, 1e-3),
        (1000, 150, 0.5, 8, 1e-3),
        (500, 150, 0.5, 8, 3e-4),
        (500, 150, 0.5, 8, 1e-4),
        (500, 150, 0.5, 1, 3e-4),
        (500, 150, 0.25, 1, 3e-4),
        (500, 150, 0.5, 4, 3e-4),
        (500, 150, 0.25, 4, 3e-4),
        (300, 300, 0.25, 4, 3e-4),
    ];
    let recipes = table
        .map(|(replay, steps, user_share, variants, rate)| {
            let config = AdaptConfig {
                steps,
                user_share,
                variants,
                rate,
                ..AdaptConfig::default()
            };
            (replay, config)
        })
        .into_iter()
        // Last, the page's own recipe.
        .chain([(500, AdaptConfig::default())]);
    for (replay_count, config) in recipes {
        let started = Instant::now();
        let mut rng = SmallRng::seed_from_u64(1);
        let (images, labels) = variants(&taught, &config, &device, &mut rng);
        let user = (model.dense(images), labels);
        let train_part = 55_000;
        let picks: Vec<usize> = (0..replay_count)
            .map(|i| i * train_part / replay_count)
            .collect();
        let replay_inputs: Vec<_> = picks.iter().map(|&i| train.input(i)).collect();
        let replay = (
            dense(&model, &replay_inputs, &device),
            picks.iter().map(|&i| train.labels[i]).collect(),
        );
        let features_ms = started.elapsed().as_secs_f64() * 1e3;
        let started = Instant::now();
        let mut adapter = Adapter::new(&model, user, replay, config, 1);
        while !adapter.finished() {
            let loss = adapter.step().into_scalar::<f32>();
            assert!(loss.is_finite());
        }
        let steps_ms = started.elapsed().as_secs_f64() * 1e3;
        let adapted = adapter.adapted(model.clone());
        println!(
            "{replay_count:6}  {:5}  {:5}  {:5.2}  {:8}  {:.0e} | {:5.0}  {:5.2}  {:5.2}  {:5.2}  | {features_ms:11.0}  {steps_ms:8.0}",
            config.steps,
            config.batch,
            config.user_share,
            config.variants,
            config.rate,
            accuracy(&adapted, new_features.clone(), &zeros, None),
            accuracy(&adapted, test_features.clone(), &test.labels, None),
            accuracy(&adapted, test_features.clone(), &test.labels, Some(0)),
            accuracy(&adapted, test_features.clone(), &test.labels, Some(8)),
        );
    }
    Ok(())
}
