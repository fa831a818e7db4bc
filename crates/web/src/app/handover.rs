//! Handing answering from one engine to another: the CPU first, WebGPU once it has compiled its
//! shaders, and the page's own thread when the engine worker stops.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;

use crate::app::engine_choice;
use crate::app::engines::{load_engine, use_engine};
use crate::app::recognise::changed;
use crate::app::state::Shared;
use crate::engine::{Backend, Engine, Host};
use crate::view::WebGpuState;

/// Makes `cpu` the engine that answers while WebGPU starts.
pub fn answer_on_cpu(app: &Shared, cpu: Rc<Engine>) {
    {
        let mut a = app.borrow_mut();
        a.view.set_model_info(&cpu.info);
        let personal = a.teaching.personal.clone();
        a.view
            .teach
            .set_model(personal.as_deref().map(Vec::as_slice));
        a.engines.cpu = Some(cpu.clone());
        a.view.set_webgpu(WebGpuState::Starting);
    }
    use_engine(app, cpu, "the CPU while WebGPU starts".into());
    changed(app);
}

/// Hands answering over to WebGPU once it has compiled its shaders, or says why it cannot.
/// Which one answers then is for [`engine_choice`] to say: the faster, unless the user chose.
pub async fn move_to_webgpu(app: &Shared, weights: &[u8]) {
    let state = match load_engine(app, weights, Backend::WebGpu).await {
        Ok(gpu) => {
            app.borrow_mut().engines.gpu = Some(gpu);
            WebGpuState::Ready
        }
        Err(reason) => {
            app.borrow_mut().engines.webgpu_problem = Some(reason);
            WebGpuState::Unavailable
        }
    };
    engine_choice::apply(app).await;
    // Unless the GPU was lost while being timed: `gpu_lost` has said so.
    if state == WebGpuState::Unavailable || app.borrow().engines.gpu.is_some() {
        app.borrow().view.set_webgpu(state);
    }
}

/// The engine worker stopped after start-up: the page loads the weights that answered on its
/// own thread and starts again from the CPU, saying why.
pub fn leave_worker(app: &Shared, why: String) {
    let weights = {
        let mut a = app.borrow_mut();
        if !matches!(a.engines.host, Host::Worker(_)) {
            return;
        }
        a.engines.host = Host::Page;
        a.engines.off_worker = Some(why);
        // Until the page has its own, nothing answers; the answer in flight ends.
        a.engines.active = None;
        a.engines.cpu = None;
        a.engines.gpu = None;
        let t = &a.teaching;
        t.personal.clone().or_else(|| t.shipped.clone())
    };
    let Some(weights) = weights else { return };
    let app = app.clone();
    spawn_local(async move {
        match Host::Page.load(&weights, Backend::Cpu).await {
            Ok(cpu) => {
                answer_on_cpu(&app, Rc::new(cpu));
                move_to_webgpu(&app, &weights).await;
            }
            Err(e) => app.borrow().view.show_error(&format!(
                "The engine worker stopped and the model could not be loaded again: {e}."
            )),
        }
    });
}
