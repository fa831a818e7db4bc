//! The workers' door into the app: what the teaching and training workers say and the engine
//! worker stopping arrive here, as pointer events arrive in `events`, and become the same calls.

use mnist_model::IMAGE_PIXELS;

use crate::app::handover;
use crate::app::recognise::changed;
use crate::app::state::Shared;
use crate::app::teaching;
use crate::app::training;
use crate::inside::why::Method;
use mnist_browser::messages::TeachReply;

use crate::teach::worker_client::Heard;

/// What the teaching worker said, or why it stopped. Replies to a job or a drawing that is
/// no longer the page's are dropped here.
pub fn teach_worker(app: &Shared, heard: Heard) {
    let reply = match heard {
        Ok(reply) => reply,
        Err(why) => {
            // A worker that crashed is started afresh next time, and needs the weights again.
            app.borrow_mut().teaching.stop_worker();
            return failed(app, &why);
        }
    };
    let current = |job| app.borrow().teaching.job == job;
    match reply {
        // Explain the drawing again: by gradient, now that the worker can.
        TeachReply::Ready => {
            let why = app.borrow().view.why.is_on();
            if why {
                changed(app);
            }
        }
        TeachReply::Why { id, scores } => show_gradient(app, id, &scores),
        TeachReply::WhyFailed { message, .. } => gradient_failed(app, &message),
        TeachReply::Progress {
            job,
            step,
            steps,
            loss,
        } if current(job) => teaching::progress(app, step, steps, loss),
        TeachReply::Failed { job, message } if current(job) => teaching::failed(app, &message),
        TeachReply::Done {
            job,
            weights,
            ms,
            backend,
        } if current(job) => teaching::adapted(app, weights, ms, backend),
        TeachReply::Unreadable { message } => failed(
            app,
            &format!("The teaching worker could not read a request: {message}."),
        ),
        // Stale jobs, and what only the training worker says.
        _ => {}
    }
}

/// What the training worker said, or why it stopped. Replies to an earlier run are dropped.
pub fn train_worker(app: &Shared, heard: Heard) {
    let reply = match heard {
        Ok(reply) => reply,
        Err(why) => return training::worker_stopped(app, &why),
    };
    let current = |job| app.borrow().training.job == job;
    match reply {
        TeachReply::TrainStarted {
            job,
            backend,
            digits,
            steps,
            batch,
        } if current(job) => training::started(app, backend, digits, steps, batch),
        TeachReply::TrainStep {
            job,
            step,
            steps,
            loss,
            accuracy,
            images_per_second,
            ..
        } if current(job) => training::step(app, step, steps, loss, accuracy, images_per_second),
        TeachReply::TrainPaused { job, step } if current(job) => training::paused(app, step),
        TeachReply::TrainFilters { job, filters, .. } if current(job) => {
            training::filters(app, &filters)
        }
        TeachReply::TrainValidated {
            job,
            epoch,
            step,
            accuracy,
        } if current(job) => training::validated(app, epoch, step, accuracy),
        TeachReply::TrainMoved {
            job,
            backend,
            message,
        } if current(job) => training::moved(app, backend, &message),
        TeachReply::Trained(network) if current(network.job) => training::trained(app, network),
        TeachReply::TrainFailed { job, message } if current(job) => training::failed(app, &message),
        TeachReply::Unreadable { message } => training::failed(
            app,
            &format!("The training worker could not read a request: {message}."),
        ),
        _ => {}
    }
}

/// The teaching worker cannot go on with what it was doing: adapting fails, or (when it was
/// not adapting) "why?" explains by occlusion from now on.
fn failed(app: &Shared, message: &str) {
    if app.borrow().teaching.running {
        teaching::failed(app, message);
    } else {
        gradient_failed(app, message);
    }
}

/// The engine worker stopped after start-up, for reason `why`.
pub fn engine_worker_stopped(app: &Shared, why: String) {
    handover::leave_worker(app, why);
}

/// Shows request `id`'s gradient if the drawing has not changed since.
fn show_gradient(app: &Shared, id: u64, scores: &[f32]) {
    let a = app.borrow();
    if a.generation != id || !a.view.why.is_on() {
        return;
    }
    if let Ok(scores) = <[f32; IMAGE_PIXELS]>::try_from(scores) {
        a.view.why.show(&scores, Method::Gradient);
    }
}

/// The worker could not compute a gradient: occlusion from now on.
fn gradient_failed(app: &Shared, message: &str) {
    web_sys::console::warn_1(&format!("gradient saliency: {message}").into());
    app.borrow_mut().teaching.gradient_failed = true;
    changed(app);
}
