//! "Train it yourself": a fresh network trained from random weights in the training worker
//! (crates/teach, a second worker of it) on the engine's kind of device, with the trainer's
//! step and recipe; its reports drawn as they come (they arrive through `replies`); the result
//! tested on MNIST's test set through the report card's path; and, when asked, made the page's
//! model through the personal weights' machinery (kept, downloadable, "Back to the shipped
//! weights" restores).

use std::rc::Rc;

use mnist_browser::messages::{Control, TeachRequest, TrainRequest, TrainedNetwork};
use wasm_bindgen_futures::spawn_local;

use crate::app::engines::load_engine;
use crate::app::report_card;
use crate::app::state::Shared;
use crate::app::teaching::install;
use crate::browser::query;
use crate::clock::pause;
use crate::engine::Backend;
use crate::report::test_set;
use crate::teach::saved_weights;
use crate::train::{History, TrainState};

/// Starts training with the panel's settings, unless a run is going.
pub fn start(app: &Shared) {
    let settings = app.borrow().view.train.settings();
    let (digits, epochs) = match settings {
        Ok(settings) => settings,
        Err(message) => return say(app, &message),
    };
    let request = {
        let mut a = app.borrow_mut();
        if a.training.running() {
            return;
        }
        let backend = a.engines.active_backend();
        let t = &mut a.training;
        t.job += 1;
        t.state = TrainState::Running;
        t.paused = false;
        t.stop_test = false;
        t.trained = None;
        t.history = History::default();
        t.backend = backend;
        t.digits = digits;
        t.epochs = epochs;
        TeachRequest::Train(TrainRequest {
            job: t.job,
            digits: url_number("train-digits").map_or(digits, |d| d as u32),
            epochs,
            seed: url_number("train-seed").map_or_else(random_seed, |s| s as u32),
            rate: url_number("train-rate"),
            backend,
        })
    };
    {
        let a = app.borrow();
        a.view.train.begin(&a.training.history);
    }
    show_state(app);
    say(
        app,
        "Fetching MNIST's training digits (9.9 MB, kept for offline use)…",
    );
    let sent = app
        .borrow_mut()
        .training
        .worker()
        .and_then(|w| w.send(&request));
    if let Err(e) = sent {
        fail(app, &format!("The training worker could not start: {e}."));
    }
}

/// Pauses a run, or resumes a paused one.
pub fn toggle_pause(app: &Shared) {
    let (job, paused) = {
        let mut a = app.borrow_mut();
        if !a.training.running() || a.training.trained.is_some() {
            return;
        }
        a.training.paused = !a.training.paused;
        (a.training.job, a.training.paused)
    };
    let action = if paused {
        Control::Pause
    } else {
        Control::Resume
    };
    control(app, job, action);
    app.borrow().view.train.set_paused(paused);
    // The worker says when it holds: a step in flight ends first.
    say(
        app,
        if paused {
            "Pausing after this step…"
        } else {
            "Training again."
        },
    );
}

/// The worker holds after step `step`, as the page asked (unless it has resumed since).
pub fn paused(app: &Shared, step: u32) {
    if app.borrow().training.paused {
        say(
            app,
            &format!("Paused after step {step}. Resume when you like."),
        );
    }
}

/// Stops a run after its current step (the network so far is then tested), or stops the test.
pub fn stop(app: &Shared) {
    let (job, testing) = {
        let mut a = app.borrow_mut();
        if !a.training.running() {
            return;
        }
        a.training.stop_test = true;
        (a.training.job, a.training.trained.is_some())
    };
    if !testing {
        control(app, job, Control::Stop);
        say(app, "Stopping after this step…");
    }
}

fn control(app: &Shared, job: u32, action: Control) {
    let sent = app
        .borrow_mut()
        .training
        .worker()
        .and_then(|w| w.send(&TeachRequest::Control { job, action }));
    if let Err(e) = sent {
        fail(app, &format!("The training worker did not hear it: {e}."));
    }
}

/// The worker has its digits and a fresh network on `backend`.
pub fn started(app: &Shared, backend: Backend, digits: u32, steps: u32, batch: u32) {
    {
        let mut a = app.borrow_mut();
        a.training.backend = backend;
        a.training.batch = batch;
        a.training.history.steps = steps;
        a.view.train.show_history(&a.training.history);
    }
    let epochs = app.borrow().training.epochs;
    say(
        app,
        &format!(
            "Training a fresh network on {digits} digits for {epochs} epoch{}: {steps} steps of \
             {batch}, on {}.",
            plural(epochs),
            backend.place()
        ),
    );
}

/// Step `step` of `steps` is done.
pub fn step(app: &Shared, step: u32, steps: u32, loss: f32, accuracy: f32, images_per_second: f32) {
    let mut a = app.borrow_mut();
    let t = &mut a.training;
    t.history.steps = steps;
    t.history.losses.push(loss);
    t.history.accuracies.push(accuracy);
    t.images_per_second = images_per_second;
    let left =
        f64::from((steps - step.min(steps)) * t.batch) / f64::from(images_per_second.max(1e-3));
    let backend = t.backend;
    let a = &*a;
    a.view.train.show_history(&a.training.history);
    a.view.train.show_speed(images_per_second, left, backend);
}

pub fn filters(app: &Shared, values: &[f32]) {
    app.borrow().view.train.show_filters(values);
}

/// Epoch `epoch` ended at step `step` with `accuracy` on the validation digits.
pub fn validated(app: &Shared, epoch: u32, step: u32, accuracy: f32) {
    {
        let mut a = app.borrow_mut();
        a.training.history.validation.push((step, accuracy));
        let a = &*a;
        a.view.train.show_history(&a.training.history);
    }
    let epochs = app.borrow().training.epochs;
    say(
        app,
        &format!(
            "Epoch {epoch} of {epochs}: {:.2} % of the 5,000 validation digits right.",
            100.0 * accuracy
        ),
    );
}

/// The worker carries on on `backend` (the GPU was lost).
pub fn moved(app: &Shared, backend: Backend, message: &str) {
    app.borrow_mut().training.backend = backend;
    say(app, message);
}

/// The run is over: its network is tested next.
pub fn trained(app: &Shared, network: TrainedNetwork) {
    let TrainedNetwork {
        weights,
        steps,
        ms,
        backend,
        stopped,
        diverged,
        ..
    } = network;
    app.borrow().view.train.clear_speed();
    if steps == 0 {
        app.borrow_mut().training.state = TrainState::Idle;
        show_state(app);
        return say(
            app,
            "Stopped before the first step: there is no new network.",
        );
    }
    let bytes = Rc::new(weights);
    app.borrow_mut().training.trained = Some(bytes.clone());
    let how = format!(
        "{steps} steps in {:.0} s on {}.",
        ms / 1000.0,
        backend.place()
    );
    let validated =
        app.borrow()
            .training
            .history
            .validation
            .last()
            .map_or(String::new(), |(_, accuracy)| {
                format!(
                    " {:.2} % of the validation digits right after the last epoch.",
                    100.0 * accuracy
                )
            });
    let note = stopped.map_or(validated, |s| format!(" {s}"));
    say(
        app,
        &format!("Trained: {how}{note} Testing it on MNIST's test digits…"),
    );
    let app = app.clone();
    spawn_local(async move {
        // A task of its own, after the worker's message has been handled.
        pause().await;
        let tested = test(&app, &bytes).await;
        let ips = app.borrow().training.images_per_second;
        let mut a = app.borrow_mut();
        a.training.state = if diverged {
            TrainState::Error
        } else {
            TrainState::Done
        };
        match tested {
            Ok(tally) => a
                .view
                .train
                .report(tally.accuracy(), tally.n, ips, a.training.backend),
            Err(message) => a.view.train.report_failed(&message),
        }
        drop(a);
        show_state(&app);
        say(
            &app,
            &format!(
                "Trained: {how}{note} \"Answer with this model\" makes it the page's network."
            ),
        );
    });
}

/// The trained network on MNIST's test set, through the report card's path, on the kind of
/// engine that answers.
async fn test(app: &Shared, bytes: &[u8]) -> Result<test_set::Tally, String> {
    let backend = app.borrow().engines.active_backend();
    let engine = load_engine(app, bytes, backend)
        .await
        .map_err(|e| format!("The trained network could not be loaded to test it: {e}."))?;
    let set = report_card::test_set(app).await?;
    let total = report_card::limit().unwrap_or(set.images.count);
    test_set::run(
        &engine,
        &set,
        total,
        || app.borrow().training.stop_test,
        |tally| {
            app.borrow()
                .view
                .train
                .testing(tally.n, total.min(set.images.count), tally.accuracy())
        },
    )
    .await
}

/// The run failed with `message`; the page's model is as it was.
pub fn failed(app: &Shared, message: &str) {
    if app.borrow().training.running() {
        fail(app, message);
    }
}

/// The training worker stopped (crashed, or could not load).
pub fn worker_stopped(app: &Shared, message: &str) {
    app.borrow_mut().training.stop_worker();
    failed(app, message);
}

/// Makes the trained network answer, and keeps it on the device if the browser can.
pub fn use_model(app: &Shared) {
    let Some(bytes) = app.borrow().training.trained.clone() else {
        return;
    };
    let app = app.clone();
    spawn_local(async move {
        if let Err(e) = install(&app, bytes.clone(), true).await {
            return say(&app, &format!("Your network could not be loaded: {e}."));
        }
        let kept = match saved_weights::save(&bytes).await {
            Ok(()) => " It is kept on this device.".to_string(),
            Err(e) => format!(
                " This browser cannot keep it ({e}), so it answers for this visit only: \
                 download it to keep it."
            ),
        };
        say(
            &app,
            &format!(
                "Your network answers now.{kept} \"Back to the shipped weights\" (under Teach \
                 it your handwriting) restores them."
            ),
        );
    });
}

fn fail(app: &Shared, message: &str) {
    app.borrow_mut().training.state = TrainState::Error;
    show_state(app);
    say(app, message);
}

fn show_state(app: &Shared) {
    let a = app.borrow();
    a.view
        .train
        .set_state(a.training.state, a.training.trained.is_some());
}

fn say(app: &Shared, message: &str) {
    app.borrow().view.train.say(message);
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A random seed for a run: every run starts from other random weights.
fn random_seed() -> u32 {
    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
}

/// `?name=N`: the browser tests fix the seed, train on fewer digits than the panel offers, and
/// raise the learning rate to make a run diverge.
fn url_number(name: &str) -> Option<f64> {
    query(name)?.parse().ok()
}
