//! Training the whole network from random weights in the page ("Train it yourself"): a second
//! worker of the teaching wasm (crates/teach) trains with the trainer's own step and recipe and
//! reports as it goes; the page keeps what it reported (`History`), draws it (`view`, `curve`)
//! and tests the result on MNIST's test set. What changes it is `app::training`.

pub mod curve;
pub mod view;

use std::rc::Rc;

use crate::engine::Backend;
use crate::teach::worker_client::{LazyWorker, ReplyHandler, TeachWorker};

/// `body[data-train]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainState {
    Idle,
    /// Fetching the digits, training, or testing the result.
    Running,
    /// A trained network is ready to answer.
    Done,
    Error,
}

impl TrainState {
    pub fn id(self) -> &'static str {
        match self {
            TrainState::Idle => "idle",
            TrainState::Running => "running",
            TrainState::Done => "done",
            TrainState::Error => "error",
        }
    }
}

/// What the worker has reported in the current run.
#[derive(Debug, Default, Clone)]
pub struct History {
    /// Each step's batch loss and accuracy (before the step).
    pub losses: Vec<f32>,
    pub accuracies: Vec<f32>,
    /// After each epoch: the step it ended at and the validation accuracy.
    pub validation: Vec<(u32, f32)>,
    /// The steps the run will take in all.
    pub steps: u32,
}

/// What the page knows about training.
pub struct Training {
    pub state: TrainState,
    /// The number of the last job asked for: replies from others are stale.
    pub job: u32,
    pub paused: bool,
    /// Whether the test run at the end was asked to stop.
    pub stop_test: bool,
    pub history: History,
    /// Where it trains, the digits per epoch and the epochs asked for.
    pub backend: Backend,
    pub digits: u32,
    pub epochs: u32,
    /// Digits a step (the worker's recipe says).
    pub batch: u32,
    pub images_per_second: f32,
    /// The last trained network's weights file.
    pub trained: Option<Rc<Vec<u8>>>,
    /// The training worker (it keeps the fetched digits between runs).
    worker: LazyWorker,
}

impl Training {
    pub fn new() -> Self {
        Self {
            state: TrainState::Idle,
            job: 0,
            paused: false,
            stop_test: false,
            history: History::default(),
            backend: Backend::Cpu,
            digits: 0,
            epochs: 0,
            batch: 0,
            images_per_second: 0.0,
            trained: None,
            worker: LazyWorker::new("the training worker"),
        }
    }

    pub fn running(&self) -> bool {
        self.state == TrainState::Running
    }

    /// Sends the training worker's replies to `handler`, from its start on.
    pub fn hear_with(&mut self, handler: ReplyHandler) {
        self.worker.hear_with(handler);
    }

    /// The training worker, started on first use.
    pub fn worker(&mut self) -> Result<&TeachWorker, String> {
        self.worker.get()
    }

    /// Stops the worker at once; a new one starts on next use.
    pub fn stop_worker(&mut self) {
        self.worker.stop();
    }
}
