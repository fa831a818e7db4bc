//! "Why this answer?" by gradient, from the teaching worker, which has Burn's autodiff (the
//! page's own wasm does not). Until the worker has loaded, or if it cannot, the page explains
//! by occlusion instead, and says which.

use std::rc::Rc;

use mnist_model::IMAGE_PIXELS;

use crate::app::Shared;
use crate::engine::Backend;
use crate::teaching;

/// Asks the worker for the gradient saliency of `input` for `digit`, as request `id` (the
/// drawing's generation); starts the worker the first time. `false` when it cannot answer now,
/// so that the caller explains by occlusion.
pub fn request(
    app: &Shared,
    id: u64,
    input: &[f32; IMAGE_PIXELS],
    digit: usize,
    backend: Backend,
) -> bool {
    let (weights, sent) = {
        let a = app.borrow();
        if a.teaching.gradient_failed {
            return false;
        }
        let weights = a.teaching.personal.clone().or(a.teaching.shipped.clone());
        (weights, a.teaching.sent_weights.clone())
    };
    let Some(weights) = weights else {
        return false;
    };
    let fresh = !sent.is_some_and(|s| Rc::ptr_eq(&s, &weights));
    let asked = match teaching::worker(app) {
        Ok(worker) if worker.is_ready() => worker
            .explain(
                id,
                input,
                digit,
                backend == Backend::WebGpu,
                fresh.then_some(weights.as_slice()),
            )
            .is_ok(),
        Ok(_) => false,
        Err(_) => {
            app.borrow_mut().teaching.gradient_failed = true;
            false
        }
    };
    if asked && fresh {
        app.borrow_mut().teaching.sent_weights = Some(weights);
    }
    asked
}

/// Shows request `id`'s gradient if the drawing has not changed since.
pub fn show(app: &Shared, id: u64, scores: &[f32]) {
    let a = app.borrow();
    if a.generation != id || !a.view.why.is_on() {
        return;
    }
    if let Ok(scores) = <[f32; IMAGE_PIXELS]>::try_from(scores) {
        a.view.why.show(&scores, crate::why_view::Method::Gradient);
    }
}

/// The worker could not compute a gradient: occlusion from now on.
pub fn failed(app: &Shared, message: &str) {
    web_sys::console::warn_1(&format!("gradient saliency: {message}").into());
    app.borrow_mut().teaching.gradient_failed = true;
    crate::app::changed(app);
}
