//! Start-up: the page starts the engine worker while the weights download, answers on Burn's
//! CPU backend as soon as they are in, then loads WebGPU, and once that has compiled its
//! shaders answers on the faster of the two (or the one the user chose), or says why WebGPU
//! cannot be had. Where the worker cannot start, or stops, the same happens on the page's
//! thread.

use std::rc::Rc;

use futures_util::future::join;
use web_sys::HtmlCanvasElement;

use crate::app::engines::load_engine;
use crate::app::handover::{answer_on_cpu, move_to_webgpu};
use crate::app::state::{App, Shared};
use crate::app::{events, replies, teaching};
use crate::browser;
use crate::dom::{by_id, context_2d};
use crate::engine::worker_client::EngineWorker;
use crate::engine::{Backend, Engine, Host};
use crate::pad::Pad;
use crate::teach::saved_weights;
use crate::view::{PageState, View};

/// The trainer's export, copied into the build by Trunk.
const DEFAULT_WEIGHTS: &str = "model/mnist-cnn.bpk";

/// Builds the page and starts answering; an error here means the page cannot work at all.
pub async fn start() -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let canvas: HtmlCanvasElement = by_id(&document, "pad")?;
    let ctx = context_2d(&canvas)?;
    let view = View::new(&document)?;
    view.set_state(PageState::Loading);
    view.show_nothing("Draw a digit");
    view.set_busy(false);
    let app = App::start(Pad::new(canvas, ctx), view);
    {
        let a = app.borrow();
        a.view.set_engine_choice(a.engines.preference);
    }
    let weak = Rc::downgrade(&app);
    app.borrow_mut().teaching.hear_with(Rc::new(move |reply| {
        if let Some(app) = weak.upgrade() {
            replies::teach_worker(&app, reply);
        }
    }));
    let weak = Rc::downgrade(&app);
    app.borrow_mut().training.hear_with(Rc::new(move |reply| {
        if let Some(app) = weak.upgrade() {
            replies::train_worker(&app, reply);
        }
    }));
    teaching::refresh(&app);
    events::wire(&app, &document)?;

    // The CPU answers long before WebGPU has compiled its shaders. WebGPU starts only then:
    // started alongside, its set-up sometimes held the CPU's start back by most of a second.
    let url = weights_url();
    if let Some(weights) = start_on_cpu(&app, &url).await {
        move_to_webgpu(&app, &weights).await;
    }
    Ok(())
}

/// Puts the page in its error state even when the view could not be built.
pub fn fatal(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = document.get_element_by_id("error-message") {
        el.set_text_content(Some(message));
    }
    if let Some(body) = document.body() {
        body.set_attribute("data-state", PageState::Error.as_str())
            .ok();
    }
}

/// Fetches the weights, starts the engine worker meanwhile, and starts answering on the CPU,
/// with the personal weights if the user has adapted the network before; returns the weights
/// that answer, or `None` after putting the page in its error state.
async fn start_on_cpu(app: &Shared, url: &str) -> Option<Rc<Vec<u8>>> {
    let stopped = {
        let app = app.clone();
        move |why: String| replies::engine_worker_stopped(&app, why)
    };
    let (fetched, worker) = join(browser::fetch_weights(url), EngineWorker::start(stopped)).await;
    {
        let mut a = app.borrow_mut();
        match worker {
            Ok(worker) => a.engines.host = Host::Worker(worker),
            Err(why) => a.engines.off_worker = Some(why),
        }
    }
    let loaded = async {
        let weights = Rc::new(fetched?);
        match load_engine(app, &weights, Backend::Cpu).await {
            Ok(cpu) => Ok((weights, cpu)),
            Err(e) => Err(format!("The model weights ({url}) cannot be used: {e}.")),
        }
    };
    let (shipped, cpu) = match loaded.await {
        Ok(loaded) => loaded,
        Err(message) => {
            app.borrow().view.show_error(&message);
            return None;
        }
    };
    app.borrow_mut().teaching.shipped = Some(shipped.clone());
    let (weights, cpu) = match personal_weights(app).await {
        Some((weights, personal)) => (weights, personal),
        None => (shipped, cpu),
    };
    answer_on_cpu(app, cpu);
    app.borrow().view.set_state(PageState::Ready);
    Some(weights)
}

/// The personal weights kept on this device, loaded on the CPU; a file that cannot be used is
/// forgotten, and the page says so.
async fn personal_weights(app: &Shared) -> Option<(Rc<Vec<u8>>, Rc<Engine>)> {
    let saved = saved_weights::load().await.ok().flatten()?;
    match load_engine(app, &saved, Backend::Cpu).await {
        Ok(engine) => {
            let saved = Rc::new(saved);
            app.borrow_mut().teaching.personal = Some(saved.clone());
            Some((saved, engine))
        }
        Err(e) => {
            saved_weights::delete().await.ok();
            app.borrow().view.teach.say(&format!(
                "Your saved personal model could not be used ({e}), so the shipped weights \
                 answer. Adapt again to make a new one."
            ));
            None
        }
    }
}

/// `?weights=` may point to another same-origin weights file (used by the tests).
fn weights_url() -> String {
    browser::query("weights")
        .filter(|u| !u.contains(':') && !u.starts_with("//"))
        .unwrap_or_else(|| DEFAULT_WEIGHTS.to_string())
}
