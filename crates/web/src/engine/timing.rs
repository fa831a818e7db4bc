//! Timing the two engines against each other on the same input: a software WebGPU adapter
//! (SwiftShader, a remote desktop's) can be ten times slower than the CPU engine.

use std::rc::Rc;

use mnist_model::IMAGE_PIXELS;

use crate::clock::now;
// Up to the folder's root, on purpose: it times the engines the root defines.
use crate::engine::Engine;

/// Timed answers per engine, after one untimed; the median decides.
const RUNS: usize = 5;

/// Median milliseconds per answer of each engine.
#[derive(Debug, Clone, Copy)]
pub struct Timings {
    pub cpu_ms: f64,
    pub webgpu_ms: f64,
}

/// Times both engines on the same input, alternating, after one untimed answer each.
pub async fn measure(cpu: &Rc<Engine>, gpu: &Rc<Engine>) -> Result<Timings, String> {
    let input = [0.0; IMAGE_PIXELS];
    let (mut cpu_ms, mut gpu_ms) = (Vec::new(), Vec::new());
    for run in 0..=RUNS {
        for (engine, times) in [(cpu, &mut cpu_ms), (gpu, &mut gpu_ms)] {
            let started = now();
            engine.classify(&input).await?;
            if run > 0 {
                times.push(now() - started);
            }
        }
    }
    Ok(Timings {
        cpu_ms: median(cpu_ms),
        webgpu_ms: median(gpu_ms),
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values
        .get(values.len() / 2)
        .copied()
        .unwrap_or(f64::INFINITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_ignores_one_slow_outlier() {
        assert_eq!(median(vec![9.0, 8.0, 300.0, 10.0, 9.5]), 9.5);
        assert!(median(Vec::new()).is_infinite());
    }
}
