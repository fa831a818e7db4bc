//! The report card's runs: the test set fetched once, then run on the engine that answers and
//! on the CPU engine when that is another, with progress shown and a stop button heeded. A
//! network trained in the page is tested through the same `test_set` and `limit`.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;

use crate::app::state::Shared;
use crate::browser::query;
use crate::engine::Engine;
use crate::report::test_set::{self, TestSet};

/// Starts a run unless one is going.
pub fn start(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        if a.test_run.running {
            return;
        }
        a.test_run.running = true;
        a.test_run.stop = false;
        a.view.report.fetching();
    }
    let app = app.clone();
    spawn_local(async move {
        let outcome = run_all(&app).await;
        let mut a = app.borrow_mut();
        a.test_run.running = false;
        match outcome {
            Ok(tallies) => {
                a.view.report.finish(&tallies);
                a.test_run.last = tallies.into_iter().next();
            }
            Err(message) => a.view.report.error(&message),
        }
    });
}

/// Asks a running run to stop after its current batch.
pub fn stop(app: &Shared) {
    app.borrow_mut().test_run.stop = true;
}

/// Shows the digits of one cell of the last run's confusion matrix.
pub fn open_cell(app: &Shared, truth: usize, answer: usize) {
    let a = app.borrow();
    if let (Some(set), Some(tally)) = (&a.test_run.set, &a.test_run.last) {
        a.view.report.show_misread(set, tally, truth, answer);
    }
}

/// The test set, fetched on first use and kept.
pub async fn test_set(app: &Shared) -> Result<Rc<TestSet>, String> {
    let cached = app.borrow().test_run.set.clone();
    match cached {
        Some(set) => Ok(set),
        None => {
            let set = Rc::new(test_set::fetch().await?);
            app.borrow_mut().test_run.set = Some(set.clone());
            Ok(set)
        }
    }
}

async fn run_all(app: &Shared) -> Result<Vec<test_set::Tally>, String> {
    let set = test_set(app).await?;
    let limit = limit().unwrap_or(set.images.count);
    let mut tallies = Vec::new();
    for engine in engines(app) {
        let tally = test_set::run(
            &engine,
            &set,
            limit,
            || app.borrow().test_run.stop,
            |t| {
                app.borrow()
                    .view
                    .report
                    .progress(t, limit.min(set.images.count))
            },
        )
        .await?;
        let stopped = tally.stopped;
        tallies.push(tally);
        if stopped {
            break;
        }
    }
    Ok(tallies)
}

/// The engines to run, in order: the one that answers, then the other one if the page has it.
fn engines(app: &Shared) -> Vec<Rc<Engine>> {
    let a = app.borrow();
    let mut engines: Vec<Rc<Engine>> = a.engines.active.iter().cloned().collect();
    for other in [&a.engines.gpu, &a.engines.cpu].into_iter().flatten() {
        if engines.iter().all(|e| e.backend != other.backend) {
            engines.push(other.clone());
        }
    }
    engines
}

/// `?test-limit=N` runs only the first N digits (the browser tests use a subset).
pub fn limit() -> Option<usize> {
    query("test-limit")?.parse().ok()
}
