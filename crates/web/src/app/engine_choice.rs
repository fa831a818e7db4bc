//! Which engine answers. By default the faster one, timed on the same input once both are
//! warm: a software WebGPU adapter (SwiftShader, a remote desktop's) can be ten times slower
//! than the CPU engine the page already has. `select#engine` lets the user force one; the
//! choice is remembered on the device.

use std::rc::Rc;

use mnist_model::IMAGE_PIXELS;

use crate::app::{Shared, gpu_lost, use_engine};
use crate::browser::storage;
use crate::engine::Engine;

/// Where the choice is kept (`localStorage`).
const STORAGE_KEY: &str = "mnist-engine";

/// Timed answers per engine, after one untimed; the median decides.
const RUNS: usize = 5;

/// What the user asked for in `select#engine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    /// The faster engine, by measurement.
    Auto,
    WebGpu,
    Cpu,
}

impl Preference {
    /// The value of its `<option>` and of the stored choice.
    pub fn id(self) -> &'static str {
        match self {
            Preference::Auto => "auto",
            Preference::WebGpu => "webgpu",
            Preference::Cpu => "cpu",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        [Preference::Auto, Preference::WebGpu, Preference::Cpu]
            .into_iter()
            .find(|p| p.id() == id)
    }

    /// The choice remembered on this device; `Auto` when there is none or no storage.
    pub fn stored() -> Self {
        storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|id| Self::parse(&id))
            .unwrap_or(Preference::Auto)
    }

    /// Remembers the choice; without storage (private mode, blocked) it lasts the visit.
    pub fn store(self) {
        if let Some(s) = storage() {
            s.set_item(STORAGE_KEY, self.id()).ok();
        }
    }
}

/// Median milliseconds per answer of each engine.
#[derive(Debug, Clone, Copy)]
pub struct Timings {
    pub cpu_ms: f64,
    pub webgpu_ms: f64,
}

/// Puts the engine the preference asks for in charge, timing both first when it is `Auto`.
/// Does nothing while a measurement is under way (that one applies the latest preference).
pub async fn apply(app: &Shared) {
    let (preference, cpu, gpu) = {
        let a = app.borrow();
        let e = &a.engines;
        (e.preference, e.cpu.clone(), e.gpu.clone())
    };
    let Some(cpu) = cpu else { return };
    match (preference, gpu) {
        (Preference::Auto, Some(gpu)) => {
            if std::mem::replace(&mut app.borrow_mut().engines.measuring, true) {
                return;
            }
            let timings = measure(&cpu, &gpu).await;
            app.borrow_mut().engines.measuring = false;
            let timings = match timings {
                Ok(timings) => timings,
                Err(message) => return gpu_lost(app, &message),
            };
            app.borrow().view.set_engine_timings(timings);
            if app.borrow().engines.preference != Preference::Auto {
                return Box::pin(apply(app)).await;
            }
            let (cpu_ms, gpu_ms) = (timings.cpu_ms, timings.webgpu_ms);
            if gpu_ms < cpu_ms {
                let label = format!(
                    "WebGPU, the faster engine here ({gpu_ms:.0} ms an answer, the CPU {cpu_ms:.0} ms)"
                );
                use_engine(app, gpu, label);
            } else {
                let label = format!(
                    "the CPU, the faster engine here ({cpu_ms:.0} ms an answer, WebGPU {gpu_ms:.0} ms)"
                );
                use_engine(app, cpu, label);
            }
        }
        (Preference::WebGpu, Some(gpu)) => {
            use_engine(app, gpu, "WebGPU (chosen in the engine menu)".into())
        }
        (Preference::Cpu, _) => use_engine(app, cpu, "the CPU (chosen in the engine menu)".into()),
        (Preference::Auto | Preference::WebGpu, None) => {
            let why = app.borrow().engines.webgpu_problem.clone();
            let label = match why {
                Some(why) => format!("the CPU ({why})"),
                None => "the CPU while WebGPU starts".into(),
            };
            use_engine(app, cpu, label);
        }
    }
    crate::recognise::schedule(app);
}

/// Times both engines on the same input, alternating, after one untimed answer each.
async fn measure(cpu: &Rc<Engine>, gpu: &Rc<Engine>) -> Result<Timings, String> {
    let input = [0.0; IMAGE_PIXELS];
    let (mut cpu_ms, mut gpu_ms) = (Vec::new(), Vec::new());
    for run in 0..=RUNS {
        for (engine, times) in [(cpu, &mut cpu_ms), (gpu, &mut gpu_ms)] {
            let started = crate::event_loop::now();
            engine.classify(&input).await?;
            if run > 0 {
                times.push(crate::event_loop::now() - started);
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
    fn preferences_round_trip_through_their_ids() {
        for p in [Preference::Auto, Preference::WebGpu, Preference::Cpu] {
            assert_eq!(Preference::parse(p.id()), Some(p));
        }
        assert_eq!(Preference::parse("gpu"), None);
    }

    #[test]
    fn the_median_ignores_one_slow_outlier() {
        assert_eq!(median(vec![9.0, 8.0, 300.0, 10.0, 9.5]), 9.5);
        assert!(median(Vec::new()).is_infinite());
    }
}
