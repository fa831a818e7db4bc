//! "Why this answer?" by gradient, from the teaching worker, which has Burn's autodiff (the
//! page's own wasm does not). Until the worker has loaded, or if it cannot, the page explains
//! by occlusion instead, and says which.

use std::rc::Rc;

use mnist_model::IMAGE_PIXELS;

use crate::app::state::Shared;
use crate::engine::Backend;

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
    let mut a = app.borrow_mut();
    let asked = match a.teaching.worker() {
        Ok(worker) if worker.is_ready() => worker
            .explain(
                id,
                input,
                digit,
                backend,
                fresh.then_some(weights.as_slice()),
            )
            .is_ok(),
        Ok(_) => false,
        Err(_) => {
            a.teaching.gradient_failed = true;
            false
        }
    };
    if asked && fresh {
        a.teaching.sent_weights = Some(weights);
    }
    asked
}
