//! What an output layer of the pad's own would buy: the shipped network's layers below the
//! output stay as they are (so MNIST's scans and photos read exactly as shipped), and a second
//! 1024 → 10 layer is fitted with the teaching code (`mnist_model::adapt`) on digits as the pad
//! draws them: MNIST's training digits redrawn, the writers' training digits redrawn twice and
//! the pen trajectories' training digits. Then every pad-path set is read with it, against the
//! shipped layer, digit by digit (McNemar). A second pool (`everything`) fits one layer for all
//! inputs instead, replaying MNIST's scans as well. Prints figures; not a test. Dropout draws
//! from Burn's generator, which the teaching code does not seed: runs differ by a few digits.
//!   cargo run --release -p mnist-trainer --example pad_head_measure -- [data dir] [weights]

use std::path::Path;

use burn::tensor::{Device, Tensor};
use mnist_model::IMAGE_PIXELS;
use mnist_model::adapt::{AdaptConfig, Adapter};
use mnist_model::augment::PenAugmentation;
use mnist_model::strokes::PEN_SHARE;
use mnist_trainer::mnist::Split;
use mnist_trainer::paired::Paired;
use mnist_trainer::{heldout, logits, mnist, weights_file, writers};
use rand::SeedableRng;
use rand::rngs::SmallRng;

type Digits = (Vec<[f32; IMAGE_PIXELS]>, Vec<u8>);

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
    let shipped: Vec<_> = sets
        .iter()
        .map(|(_, f, _)| logits::from_dense(&model, f.clone()))
        .collect();

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
    let mut more = spread(&writers, writers.len(), |d, _| *d);
    let redrawn = spread(&all, 15_000, |d, l| pen.apply(d, l, &mut rng));
    more.0.extend(redrawn.0);
    more.1.extend(redrawn.1);
    let mnist_scans = spread(&all, 40_000, |d, _| *d);
    let pad = dense(pad);
    let (more, more_labels) = dense(more);
    let everything = (
        Tensor::cat(vec![pad.0.clone(), more], 0),
        [pad.1.clone(), more_labels].concat(),
    );
    let pools = [
        ("pad", pad, dense(mnist_pen)),
        ("everything", everything, dense(mnist_scans)),
    ];

    print!("{:<28}", "output layer");
    for (name, ..) in &sets {
        print!(" | {name:>16}");
    }
    println!();
    print!("{:<28}", "shipped");
    for ((name, _, labels), rows) in sets.iter().zip(&shipped) {
        let read = heldout::score(name.clone(), rows, labels);
        print!(" | {:>16}", format!("{:.2}", 100.0 * read.accuracy));
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
        for ((name, features, labels), before) in sets.iter().zip(&shipped) {
            let after = logits::from_dense(&adapted, features.clone());
            let paired = Paired::new(name.clone(), &after, before, labels);
            let read = heldout::score(name.clone(), &after, labels);
            print!(
                " | {:>16}",
                format!(
                    "{:.2} {}/{} 1s {:.0}",
                    100.0 * read.accuracy,
                    paired.only_first,
                    paired.only_second,
                    100.0 * read.per_class[1].unwrap_or(0.0)
                )
            );
        }
        println!();
    }
    Ok(())
}
