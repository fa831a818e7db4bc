//! Which engine answers. By default the faster one, timed on the same input once both are
//! warm; `select#engine` lets the user force one.

use crate::app::engines::{gpu_lost, use_engine};
use crate::app::recognise;
use crate::app::state::Shared;
use crate::engine::preference::Preference;
use crate::engine::timing::measure;

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
    recognise::schedule(app);
}
