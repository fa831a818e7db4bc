//! What redrawing a digit costs training's pen augmentation: thinning and tracing an MNIST test
//! digit into strokes (`augment::skeleton::strokes`), then drawing them as the pad does
//! (`augment::pen::redraw`), per digit, over the first 5,000. Prints figures; not a test.
//!   cargo run --release -p mnist-trainer --example strokes_time [data]

use std::path::PathBuf;
use std::time::Instant;

use mnist_model::augment::pen::redraw;
use mnist_model::augment::skeleton::strokes;
use mnist_model::strokes::PEN_SHARE;
use mnist_trainer::mnist;

const DIGITS: usize = 5_000;

fn main() -> anyhow::Result<()> {
    let data = std::env::args().nth(1).map_or("data".into(), PathBuf::from);
    let test = mnist::load_test(&data)?;
    let inputs: Vec<_> = (0..DIGITS.min(test.len())).map(|i| test.input(i)).collect();
    let per_digit = |started: Instant| started.elapsed().as_secs_f64() * 1e3 / inputs.len() as f64;

    let started = Instant::now();
    let traced: Vec<_> = inputs.iter().map(strokes).collect();
    let tracing = per_digit(started);
    let started = Instant::now();
    let drawn = traced
        .iter()
        .filter(|s| redraw(s, PEN_SHARE).is_ok())
        .count();
    let drawing = per_digit(started);
    let points: usize = traced.iter().flatten().map(Vec::len).sum();
    let lines: usize = traced.iter().map(Vec::len).sum();
    println!(
        "{} digits: thinning and tracing {tracing:.2} ms a digit, drawing {drawing:.2} ms \
         ({drawn} drawn; {:.1} strokes and {:.0} points a digit)",
        inputs.len(),
        lines as f64 / inputs.len() as f64,
        points as f64 / inputs.len() as f64,
    );
    Ok(())
}
