//! Whether the real writers' misses are a network's or the digits': several weights files read
//! the writers' validation sets (scans and redrawn), the pen movements' and MNIST's test digits,
//! each alone, every pair, and all together (their probabilities averaged), then every writers'
//! digit that any of them misreads, with each one's answer. A digit every network misreads,
//! alone and together, is one no blend or average of them will read. Prints figures; not a test.
//!   cargo run --release -p mnist-trainer --example ensemble_measure -- [data dir] WEIGHTS...

use std::path::Path;

use burn::tensor::Device;
use mnist_model::NUM_CLASSES;
use mnist_model::calibration::probabilities;
use mnist_trainer::evaluate::argmax;
use mnist_trainer::{heldout, logits, mnist, weights_file};

/// Each network's probabilities for each set's digits: `[network][set][digit]`.
type Reads = Vec<Vec<Vec<[f32; NUM_CLASSES]>>>;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((data, files)) = args.split_first().filter(|(_, files)| !files.is_empty()) else {
        anyhow::bail!("usage: ensemble_measure DATA_DIR WEIGHTS...");
    };
    let device = Device::flex();
    let test = mnist::load_test(Path::new(data))?;
    let mut sets = heldout::writers_sets()?;
    sets.retain(|(name, ..)| ["writers scans", "writers pen", "pendigits pen"].contains(&&**name));
    let inputs = (0..test.len()).map(|i| test.input(i)).collect();
    sets.push(("MNIST test".into(), inputs, test.labels.clone()));

    let reads: Reads = files
        .iter()
        .map(|file| {
            let model = weights_file::load(Path::new(file), &device)?.model;
            Ok(sets
                .iter()
                .map(|(_, inputs, _)| {
                    let rows = logits::of(&model, inputs, &device);
                    rows.iter().map(|row| probabilities(row, 1.0)).collect()
                })
                .collect())
        })
        .collect::<anyhow::Result<_>>()?;
    // The answer of the networks in `members` together to digit `i` of set `s`.
    let answer = |members: &[usize], s: usize, i: usize| {
        let mut sum = [0f32; NUM_CLASSES];
        for &m in members {
            sum.iter_mut()
                .zip(reads[m][s][i])
                .for_each(|(t, p)| *t += p);
        }
        argmax(&sum)
    };

    print!("{:<44}", "networks");
    for (name, ..) in &sets {
        print!(" | {name:>13}");
    }
    println!();
    let mut groups: Vec<(String, Vec<usize>)> = files
        .iter()
        .enumerate()
        .map(|(m, file)| (format!("{m}: {file}"), vec![m]))
        .collect();
    for a in 0..files.len() {
        for b in a + 1..files.len() {
            groups.push((format!("{a} + {b}"), vec![a, b]));
        }
    }
    groups.push(("all".into(), (0..files.len()).collect()));
    for (name, members) in &groups {
        print!("{name:<44}");
        for (s, (_, _, labels)) in sets.iter().enumerate() {
            let right = (0..labels.len())
                .filter(|&i| answer(members, s, i) == labels[i] as usize)
                .count();
            print!(" | {:>12.2}%", 100.0 * right as f64 / labels.len() as f64);
        }
        println!();
    }

    for (s, (name, _, labels)) in sets.iter().enumerate() {
        if !name.starts_with("writers") {
            continue;
        }
        let mut every = 0;
        println!("\n{name}: digits any network misreads (index, label: each one's answer)");
        for (i, &label) in labels.iter().enumerate() {
            let answers: Vec<usize> = (0..files.len()).map(|m| answer(&[m], s, i)).collect();
            if answers.iter().any(|&a| a != label as usize) {
                every += usize::from(answers.iter().all(|&a| a != label as usize));
                println!("  {i:4}, {label}: {answers:?}");
            }
        }
        println!("misread by every network: {every}");
    }
    Ok(())
}
