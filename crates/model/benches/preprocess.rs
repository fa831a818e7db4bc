//! Time of `preprocess` on a drawn digit at the pad sizes phones and desktops produce (CSS side
//! × device pixel ratio), as RGBA like the page's canvas, and on the same digit written with a
//! fine pen (a photo's hairline strokes, which `preprocess` thickens). Prints figures.
//!   cargo bench -p mnist-model --bench preprocess

use std::hint::black_box;
use std::time::Instant;

use mnist_model::{Bitmap, PixelFormat, preprocess};

/// Black strokes of a "4" on white, with round ends, like the pad draws them, `pen` of the
/// side wide.
fn drawn_four(side: usize, pen: f32) -> Vec<u8> {
    let mut rgba = vec![255u8; side * side * 4];
    let s = side as f32;
    let segments = [
        ((0.55, 0.15), (0.25, 0.6)),
        ((0.25, 0.6), (0.75, 0.6)),
        ((0.6, 0.35), (0.6, 0.85)),
    ];
    let radius = pen / 2.0 * s;
    for y in 0..side {
        for x in 0..side {
            let p = (x as f32, y as f32);
            let near = segments.iter().any(|&((ax, ay), (bx, by))| {
                let (a, b) = ((ax * s, ay * s), (bx * s, by * s));
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let t =
                    (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
                let (cx, cy) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
                cx * cx + cy * cy <= radius * radius
            });
            if near {
                rgba[4 * (y * side + x)..][..3].fill(0);
            }
        }
    }
    rgba
}

fn main() {
    println!("preprocess on a drawn digit (RGBA), median of 21 runs");
    for (pen, name) in [(0.08, "the pad's pen"), (0.012, "a fine pen")] {
        println!("{name} ({:.1} % of the side)", pen * 100.0);
        for side in [280, 420, 840, 1080, 1440] {
            let pixels = drawn_four(side, pen);
            let mut times: Vec<f64> = (0..21)
                .map(|_| {
                    let started = Instant::now();
                    black_box(
                        preprocess(Bitmap {
                            width: side,
                            height: side,
                            format: PixelFormat::Rgba,
                            pixels: black_box(&pixels),
                        })
                        .unwrap(),
                    );
                    started.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            times.sort_by(f64::total_cmp);
            println!("  {side:>4}×{side:<4} {:>8.2} ms", times[times.len() / 2]);
        }
    }
}
