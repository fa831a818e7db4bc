//! Teaching the page one person's handwriting: the digits they correct (`example_store`), the
//! teaching worker that fine-tunes on them (`worker_client`), the personal weights it makes
//! (`saved_weights`) and the teaching area (`view`). What the page knows about it is here; what
//! changes it is `app::teaching`.

pub mod example_store;
pub mod saved_weights;
pub mod view;
pub mod worker_client;

use std::rc::Rc;

use example_store::Examples;
use worker_client::{LazyWorker, ReplyHandler, TeachWorker};

/// `body[data-adapt]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdaptState {
    Idle,
    Running,
    Done,
    Error,
}

impl AdaptState {
    pub fn id(self) -> &'static str {
        match self {
            AdaptState::Idle => "idle",
            AdaptState::Running => "running",
            AdaptState::Done => "done",
            AdaptState::Error => "error",
        }
    }
}

/// What the page knows about teaching.
pub struct Teaching {
    pub examples: Examples,
    pub running: bool,
    /// The shipped weights file, which adapting starts from and reset goes back to.
    pub shipped: Option<Rc<Vec<u8>>>,
    /// The personal weights file, while it answers.
    pub personal: Option<Rc<Vec<u8>>>,
    /// In the guided mode, how many examples it has asked for so far.
    pub guide: Option<usize>,
    /// The number of the last adapting job asked for: replies from others are stale.
    pub job: u32,
    /// The teaching worker.
    worker: LazyWorker,
    /// The weights the worker has for "why?" by gradient.
    pub sent_weights: Option<Rc<Vec<u8>>>,
    /// Whether the worker could not explain by gradient (occlusion from then on).
    pub gradient_failed: bool,
}

impl Teaching {
    pub fn new() -> Self {
        Self {
            examples: Examples::stored(),
            running: false,
            shipped: None,
            personal: None,
            guide: None,
            job: 0,
            worker: LazyWorker::new("the teaching worker"),
            sent_weights: None,
            gradient_failed: false,
        }
    }

    /// Sends the teaching worker's replies to `handler`, from its start on.
    pub fn hear_with(&mut self, handler: ReplyHandler) {
        self.worker.hear_with(handler);
    }

    /// The teaching worker, started on first use.
    pub fn worker(&mut self) -> Result<&TeachWorker, String> {
        self.worker.get()
    }

    /// Stops the worker at once, whatever it is doing; a new one starts on next use and needs
    /// the weights again.
    pub fn stop_worker(&mut self) {
        self.sent_weights = None;
        self.worker.stop();
    }
}
