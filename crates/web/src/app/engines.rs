//! Which engines the page has and which one answers: putting one in charge, losing the GPU,
//! loading weights where the engines live, and the start on the CPU and move to WebGPU.

use std::rc::Rc;

use crate::app::state::Shared;
use crate::engine::{Backend, Engine, Host};
use crate::view::WebGpuState;

/// Makes `engine` the one that answers, and says on the page where it runs.
pub fn use_engine(app: &Shared, engine: Rc<Engine>, label: String) {
    {
        let mut a = app.borrow_mut();
        a.view.set_backend(engine.backend);
        a.view.set_thread(matches!(engine.host(), Host::Worker(_)));
        a.engines.active = Some(engine);
    }
    set_label(app, label);
}

/// The GPU stopped working (driver reset, device destroyed): drops the WebGPU engine, says
/// why, and answers on the CPU engine.
pub fn gpu_lost(app: &Shared, message: &str) {
    let problem = format!("WebGPU stopped working: {message}");
    let cpu = {
        let mut a = app.borrow_mut();
        a.engines.gpu = None;
        a.engines.webgpu_problem = Some(problem.clone());
        a.engines.cpu.clone().expect("the CPU engine loads first")
    };
    use_engine(app, cpu, format!("the CPU ({problem})"));
    app.borrow().view.set_webgpu(WebGpuState::Lost);
}

/// `weights` made into an engine of kind `backend` where the page's engines live; on the
/// page's thread if the engine worker stopped meanwhile (`startup::leave_worker` has moved
/// the page there and said why).
pub async fn load_engine(
    app: &Shared,
    weights: &[u8],
    backend: Backend,
) -> Result<Rc<Engine>, String> {
    let host = app.borrow().engines.host.clone();
    let loaded = match host.load(weights, backend).await {
        Err(_) if matches!(&host, Host::Worker(worker) if worker.has_stopped()) => {
            Host::Page.load(weights, backend).await
        }
        loaded => loaded,
    };
    loaded.map(Rc::new)
}

/// Says on the status line where answers come from, and keeps it for the timings that follow.
fn set_label(app: &Shared, mut label: String) {
    let mut a = app.borrow_mut();
    if let Some(why) = &a.engines.off_worker {
        label = format!("{label}, on the page's thread ({why})");
    }
    a.view.set_status(&format!("Answering on {label}."));
    a.engines.label = label;
}
