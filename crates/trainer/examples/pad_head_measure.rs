//! What an output layer of the pad's own would buy: the shipped network's layers below the
//! output stay as they are (so MNIST's scans and photos read exactly as shipped), and a second
//! 1024 → 10 layer is fitted with the teaching code (`mnist_model::adapt`) on digits as the pad
//! draws them: MNIST's training digits redrawn, the writers' training digits redrawn twice and
//! the pen trajectories' training digits. Then every pad-path set is read with it, against the
//! shipped layer, digit by digit (McNemar). A second pool (`everything`) fits one layer for all
//! inputs instead, replaying MNIST's scans as well. Prints figures; not a test.
//!   cargo run --release -p mnist-trainer --example pad_head_measure -- [data dir] [weights]

use std::path::Path;

use burn::tensor::{Device, Tensor};
use mnist_model::adapt::{AdaptConfig, Adapter};
use mnist_model::augment::PenAugmentation;
use mnist_model::strokes::PEN_SHARE;
use mnist_model::{Cnn, IMAGE_PIXELS, NUM_CLASSES};
use mnist_trainer::evaluate::argmax;
use mnist_trainer::mnist::Split;
use mnist_trainer::paired::Paired;
use mnist_trainer::{heldout, logits, mnist, weights_file, writers};
use rand::SeedableRng;
use rand::rngs::SmallRng;

type Digits = (Vec<[f32; IMAGE_PIXELS]>, Vec<u8>);

/// The logits of `features` through `model`'s output layer, row by row.
fn rows(model: &Cnn, features: &Tensor<2>) -> Vec<[f32; NUM_CLASSES]> {
    logits::column(model.output_layer().forward(features.clone()))
        .chunks(NUM_CLASSES)
        .map(|row| std::array::from_fn(|d| row[d]))
        .collect()
}

fn percent(rows: &[[f32; NUM_CLASSES]], labels: &[u8], digit: Option<u8>) -> f64 {
    let read: Vec<bool> = rows
        .iter()
        .zip(labels)
        .filter(|(_, l)| digit.is_none_or(|d| d == **l))
        .map(|(row, &l)| argmax(row) == l as usize)
        .collect();
    100.0 * read.iter().filter(|&&r| r).count() as f64 / read.len().max(1) as f64
}

/// `count` of `split`'s digits, spread over it, each through `make`.
fn spread(
    split: &Split,
    count: usize,
    mut make: impl FnMut(&[f32; IMAGE_PIXELS], u8) -> [f32; IMAGE_PIXELS],
) -> Digits {
    (0..count)
        .map(|k| {
            let i = k * split.len() / count;
            (make(&split.input(i), split.labels[i]), split.labels[i])
        })
        .unzip()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let data = Path::new(args.get(1).map_or("data", String::as_str));
    let weights = args
        .get(2)
        .map_or("web/model/mnist-cnn.bpk", String::as_str);
    let device = Device::flex();
    let model = weights_file::load(Path::new(weights), &device)?.model;
    let dense = |(inputs, labels): Digits| (logits::dense(&model, &inputs, &device), labels);

    // The sets read: the writers' and trajectories' validation digits, and the MNIST-made ones.
    let test = mnist::load_test(data)?;
    let mut sets = heldout::writers_sets()?;
    sets.retain(|(name, ..)| name.starts_with("writers") || name.starts_with("pendigits"));
    sets.extend(
        heldout::sets(&test, test.len())
            .into_iter()
            .map(|(name, inputs, labels)| (format!("MNIST {name}"), inputs, labels)),
    );
    let sets: Vec<(String, Tensor<2>, Vec<u8>)> = sets
        .into_iter()
        .map(|(name, inputs, labels)| {
            let (features, labels) = dense((inputs, labels));
            (name, features, labels)
        })
        .collect();
    let shipped: Vec<_> = sets.iter().map(|(_, f, _)| rows(&model, f)).collect();

    // Training digits as the pad draws them (its one pen width), MNIST's from the training part.
    let mut rng = SmallRng::seed_from_u64(5);
    let pen = PenAugmentation {
        redraw: 1.0,
        pen_share: (PEN_SHARE, PEN_SHARE),
        ..PenAugmentation::default()
    };
    let (all, _) = mnist::train_and_validation(&mnist::load_train(data)?, None)?;
    let writers = writers::training_digits()?;
    let trajectories = writers::training_trajectories()?;
    let mut pad: Digits = spread(&writers, writers.len(), |d, l| pen.apply(d, l, &mut rng));
    let again = spread(&writers, writers.len(), |d, l| pen.apply(d, l, &mut rng));
    let moved = spread(&trajectories, trajectories.len(), |d, _| *d);
    for (inputs, labels) in [again, moved] {
        pad.0.extend(inputs);
        pad.1.extend(labels);
    }
    let mnist_pen = spread(&all, 40_000, |d, l| pen.apply(d, l, &mut rng));
    // For one layer for everything: the writers' scans and MNIST redrawn beside the pad's
    // digits, MNIST's scans replayed.
    let mut everything = pad.clone();
    for (inputs, labels) in [
        spread(&writers, writers.len(), |d, _| *d),
        spread(&all, 15_000, |d, l| pen.apply(d, l, &mut rng)),
    ] {
        everything.0.extend(inputs);
        everything.1.extend(labels);
    }
    let mnist_scans = spread(&all, 40_000, |d, _| *d);
    let pools = [
        ("pad", dense(pad), dense(mnist_pen)),
        ("everything", dense(everything), dense(mnist_scans)),
    ];

    print!("{:<28}", "output layer");
    for (name, ..) in &sets {
        print!(" | {name:>16}");
    }
    println!();
    print!("{:<28}", "shipped");
    for ((_, _, labels), rows) in sets.iter().zip(&shipped) {
        print!(" | {:>16}", format!("{:.2}", percent(rows, labels, None)));
    }
    println!();
    // (pool, steps, Adam's rate, share of each batch from the pool's own digits)
    let recipes = [
        (0, 2000, 3e-4, 0.3),
        (0, 2000, 3e-4, 0.5),
        (0, 4000, 3e-4, 0.5),
        (1, 4000, 3e-4, 0.35),
    ];
    for (pool, steps, rate, user_share) in recipes {
        let (name, own, replay) = &pools[pool];
        let config = AdaptConfig {
            steps,
            batch: 256,
            rate,
            user_share,
            variants: 1,
        };
        let mut adapter = Adapter::new(&model, own.clone(), replay.clone(), config, 1);
        while !adapter.finished() {
            adapter.step();
        }
        let adapted = adapter.adapted(model.clone());
        print!("{:<28}", format!("{name} {steps} × {rate:e}, {user_share}"));
        for ((_, features, labels), before) in sets.iter().zip(&shipped) {
            let after = rows(&adapted, features);
            let paired = Paired::new(String::new(), &after, before, labels);
            let ones = percent(&after, labels, Some(1));
            print!(
                " | {:>16}",
                format!(
                    "{:.2} {}/{} 1s {ones:.0}",
                    percent(&after, labels, None),
                    paired.only_first,
                    paired.only_second
                )
            );
        }
        println!();
    }
    Ok(())
}
