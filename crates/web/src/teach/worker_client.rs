//! The page's side of the teaching worker (crates/teach): started on the first adapt or the
//! first gradient "why?", sent jobs and requests, its messages turned into calls. Terminating
//! it is how a job is cancelled.

use std::cell::RefCell;
use std::rc::Rc;

use mnist_browser::messages::{TeachReply, TeachRequest, decode, encode};
use mnist_browser::{Backend, js_error};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// The worker's loader, written by Trunk next to its wasm.
const LOADER: &str = "mnist-teach_loader.js";

/// What the page hears: the worker's reply, or why it stopped (it crashed, could not load,
/// or said something unreadable).
pub type Heard = Result<TeachReply, String>;

/// Where a worker's replies go: the app's one door for workers' replies, set at start-up
/// (the worker's owners cannot name it without a circle).
pub type ReplyHandler = Rc<dyn Fn(Heard)>;

/// A worker of the teaching wasm, started on first use, its replies going to a handler set
/// at start-up: the teaching worker, and the training worker.
pub struct LazyWorker {
    name: &'static str,
    worker: Option<TeachWorker>,
    on_reply: Option<ReplyHandler>,
}

impl LazyWorker {
    /// One called `name` in messages ("the teaching worker").
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            worker: None,
            on_reply: None,
        }
    }

    /// Sends its replies to `handler`, from its start on.
    pub fn hear_with(&mut self, handler: ReplyHandler) {
        self.on_reply = Some(handler);
    }

    /// The worker, started now if it is not running.
    pub fn get(&mut self) -> Result<&TeachWorker, String> {
        if self.worker.is_none() {
            let on_reply = self
                .on_reply
                .clone()
                .ok_or_else(|| format!("the page is not listening to {}", self.name))?;
            self.worker = Some(TeachWorker::start(self.name, move |reply| on_reply(reply))?);
        }
        Ok(self.worker.as_ref().expect("started above"))
    }

    /// Stops it at once, whatever it is doing; a new one starts on next use.
    pub fn stop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
    }
}

/// A running worker and its handlers (kept alive with it).
pub struct TeachWorker {
    worker: Worker,
    /// Requests made before the worker's wasm was listening (they would be lost), sent when
    /// the worker says it is ready; `None` once it is.
    waiting: Rc<RefCell<Option<Vec<JsValue>>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(ErrorEvent)>,
}

impl TeachWorker {
    /// Starts a worker, called `name` in messages ("the teaching worker"); `on_reply` hears
    /// from it, including a failure to load or a crash.
    pub fn start(
        name: &'static str,
        on_reply: impl Fn(Heard) + Clone + 'static,
    ) -> Result<Self, String> {
        let worker = Worker::new(LOADER).map_err(|e| js_error(&e))?;
        let waiting = Rc::new(RefCell::new(Some(Vec::new())));
        let heard = on_reply.clone();
        let (queue, target) = (waiting.clone(), worker.clone());
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let reply = decode::<TeachReply>(e.data())
                .map_err(|why| format!("{} sent {why}.", capitalised(name)));
            if let Ok(TeachReply::Ready) = reply {
                for request in queue.borrow_mut().take().unwrap_or_default() {
                    target.post_message(&request).ok();
                }
            }
            heard(reply);
        });
        let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            on_reply(Err(format!(
                "{} stopped: {}.",
                capitalised(name),
                e.message()
            )));
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            waiting,
            _onmessage: onmessage,
            _onerror: onerror,
        })
    }

    /// Asks for job `job`: the `shipped` weights adapted to `examples` (as
    /// `mnist_model::personal` bytes) on `backend`.
    pub fn adapt(
        &self,
        job: u32,
        shipped: &[u8],
        examples: &[u8],
        backend: Backend,
    ) -> Result<(), String> {
        self.send(&TeachRequest::Adapt {
            job,
            weights: shipped.to_vec(),
            examples: examples.to_vec(),
            backend,
        })
    }

    /// Sends `request`; held back, in order, until the worker's wasm is listening.
    pub fn send(&self, request: &TeachRequest) -> Result<(), String> {
        let request = encode(request)?;
        if let Some(pending) = self.waiting.borrow_mut().as_mut() {
            pending.push(request);
            return Ok(());
        }
        self.worker.post_message(&request).map_err(|e| js_error(&e))
    }

    /// Whether its wasm is listening.
    pub fn is_ready(&self) -> bool {
        self.waiting.borrow().is_none()
    }

    /// Asks for the gradient saliency of `input` for `digit` (request `id`) on `backend`, with
    /// `weights` when the worker does not have the page's current ones.
    pub fn explain(
        &self,
        id: u64,
        input: &[f32],
        digit: usize,
        backend: Backend,
        weights: Option<&[u8]>,
    ) -> Result<(), String> {
        self.send(&TeachRequest::Why {
            id,
            input: input.to_vec(),
            digit: digit as u32,
            backend,
            weights: weights.map(<[u8]>::to_vec),
        })
    }

    /// Stops it at once, whatever it is doing.
    pub fn terminate(&self) {
        self.worker.terminate();
    }
}

/// "the teaching worker" as a sentence begins it.
fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
