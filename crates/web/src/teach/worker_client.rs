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

/// A running worker and its handlers (kept alive with it).
pub struct TeachWorker {
    worker: Worker,
    /// A request made before the worker's wasm was listening (it would be lost), sent when
    /// the worker says it is ready; `None` inside once it is.
    waiting: Rc<RefCell<Option<Option<JsValue>>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(ErrorEvent)>,
}

impl TeachWorker {
    /// Starts the worker; `on_reply` hears from it, including a failure to load or a crash.
    pub fn start(on_reply: impl Fn(Heard) + Clone + 'static) -> Result<Self, String> {
        let worker = Worker::new(LOADER).map_err(|e| js_error(&e))?;
        let waiting = Rc::new(RefCell::new(Some(None)));
        let heard = on_reply.clone();
        let (queue, target) = (waiting.clone(), worker.clone());
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let reply = decode::<TeachReply>(e.data())
                .map_err(|why| format!("The teaching worker sent {why}."));
            if let Ok(TeachReply::Ready) = reply {
                let pending = queue.borrow_mut().take().flatten();
                if let Some(request) = pending {
                    target.post_message(&request).ok();
                }
            }
            heard(reply);
        });
        let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            on_reply(Err(format!(
                "The teaching worker stopped: {}.",
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
    /// `mnist_model::personal` bytes) on `backend`; held back until the worker's wasm is
    /// listening.
    pub fn adapt(
        &self,
        job: u32,
        shipped: &[u8],
        examples: &[u8],
        backend: Backend,
    ) -> Result<(), String> {
        let request = encode(&TeachRequest::Adapt {
            job,
            weights: shipped.to_vec(),
            examples: examples.to_vec(),
            backend,
        })?;
        if let Some(pending) = self.waiting.borrow_mut().as_mut() {
            *pending = Some(request);
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
        let request = encode(&TeachRequest::Why {
            id,
            input: input.to_vec(),
            digit: digit as u32,
            backend,
            weights: weights.map(<[u8]>::to_vec),
        })?;
        self.worker.post_message(&request).map_err(|e| js_error(&e))
    }

    /// Stops it at once, whatever it is doing.
    pub fn terminate(&self) {
        self.worker.terminate();
    }
}
