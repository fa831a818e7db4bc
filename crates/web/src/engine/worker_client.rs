//! The page's side of the engine worker: the page's own wasm run a second time in a Web Worker
//! (`web/engine-worker.js`, sent the module the page has compiled, so nothing is downloaded or
//! compiled twice) that holds the engines and computes the answers, so that drawing never
//! waits for the network. Requests are numbered and each reply settles its request. If the
//! worker cannot start the page loads its engines itself; if it stops later, every request in
//! flight fails and `on_stop` hears why.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures_channel::oneshot;
use futures_util::future::{Either, select};
use mnist_browser::messages::{EngineReply, EngineRequest, decode, encode};
use mnist_browser::{Backend, js_error, object};
use mnist_model::IMAGE_PIXELS;
use mnist_model::weights::WeightsInfo;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::browser::mark;
use crate::engine::readout::Readout;

/// An engine the worker has loaded: its number there, what its weights file says about
/// itself, and its novelty limit.
pub struct Loaded {
    pub id: u32,
    pub info: WeightsInfo,
    pub novelty_limit: f32,
}

/// The worker's script, copied into the build by Trunk.
const SCRIPT: &str = "engine-worker.js";

/// How long the worker may take to start listening before the page computes on its own.
const START_TIMEOUT_MS: i32 = 10_000;

/// The request the worker answers once its wasm is listening.
const STARTED: u32 = 0;

/// A reply, or why there is none.
type Outcome = Result<EngineReply, String>;

/// The requests waiting for their replies, by number.
type Pending = Rc<RefCell<HashMap<u32, oneshot::Sender<Outcome>>>>;

/// A running engine worker and its handlers (kept alive with it).
pub struct EngineWorker {
    worker: Worker,
    next_id: Cell<u32>,
    pending: Pending,
    /// Why it stopped, once it has.
    stopped: Rc<RefCell<Option<String>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(Event)>,
}

impl EngineWorker {
    /// Starts the worker and waits until it listens, or says why it could not; `on_stop`
    /// hears if it stops after that.
    pub async fn start(on_stop: impl Fn(String) + 'static) -> Result<Rc<Self>, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(SCRIPT, &options).map_err(|e| js_error(&e))?;
        let pending: Pending = Rc::default();
        let stopped: Rc<RefCell<Option<String>>> = Rc::default();
        let started = Rc::new(Cell::new(false));

        let replies = pending.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            settle(&replies, e.data());
        });
        let (failed, dead, was_started) = (pending.clone(), stopped.clone(), started.clone());
        let onerror = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            e.prevent_default();
            let detail = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "it failed".into());
            let why = format!("the engine worker stopped: {detail}");
            *dead.borrow_mut() = Some(why.clone());
            for (_, waiting) in failed.borrow_mut().drain() {
                waiting.send(Err(why.clone())).ok();
            }
            if was_started.get() {
                on_stop(why);
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(onerror.as_ref().unchecked_ref()));
        let this = Rc::new(Self {
            worker,
            next_id: Cell::new(STARTED + 1),
            pending,
            stopped,
            _onmessage: onmessage,
            _onerror: onerror,
        });

        let listening = this.wait_for(STARTED);
        // The loader's own message (it is JavaScript): the module to start.
        let message = object(&[("module", wasm_bindgen::module())]);
        this.worker
            .post_message(&message)
            .map_err(|e| js_error(&e))?;
        let outcome = match select(Box::pin(listening), Box::pin(timeout(START_TIMEOUT_MS))).await {
            Either::Left((Ok(EngineReply::Listening), _)) => Ok(()),
            Either::Left((Ok(_), _)) => Err("the engine worker said something else".into()),
            Either::Left((Err(why), _)) => Err(why),
            Either::Right(_) => Err("the engine worker did not start".to_string()),
        };
        if let Err(why) = outcome {
            this.worker.terminate();
            return Err(why);
        }
        started.set(true);
        mark("engine worker");
        Ok(this)
    }

    /// Whether it has stopped (crashed, or failed to start).
    pub fn has_stopped(&self) -> bool {
        self.stopped.borrow().is_some()
    }

    /// The weights file loaded in the worker as an engine of kind `backend`, warmed up. What
    /// the file says about itself comes back from the worker, which has read it.
    pub async fn load(&self, weights: &[u8], backend: Backend) -> Result<Loaded, String> {
        let id = self.next_id();
        let reply = self.request(EngineRequest::Load {
            id,
            weights: weights.to_vec(),
            backend,
        });
        let EngineReply::Loaded {
            metadata,
            novelty_limit,
            ..
        } = reply.await?
        else {
            return Err("the engine worker answered a load with something else".into());
        };
        mark(&format!("{} warm", backend.id()));
        Ok(Loaded {
            id,
            info: WeightsInfo { metadata },
            novelty_limit,
        })
    }

    /// One forward pass of engine `engine` (see `Engine::forward`).
    pub async fn forward(
        &self,
        engine: u32,
        inputs: &[[f32; IMAGE_PIXELS]],
        layers: bool,
    ) -> Result<Readout, String> {
        let reply = self.request(EngineRequest::Forward {
            id: self.next_id(),
            engine,
            inputs: inputs.as_flattened().to_vec(),
            layers,
        });
        let (values, lengths) = values(reply.await?)?;
        Ok(Readout {
            values,
            lengths: lengths.into_iter().map(|n| n as usize).collect(),
        })
    }

    /// The first convolution's kernels of engine `engine`.
    pub async fn kernels(&self, engine: u32) -> Result<Vec<f32>, String> {
        let id = self.next_id();
        let reply = self.request(EngineRequest::Kernels { id, engine });
        Ok(values(reply.await?)?.0)
    }

    /// Frees engine `engine` in the worker.
    pub fn release(&self, engine: u32) {
        if let Ok(message) = encode(&EngineRequest::Release { engine }) {
            self.worker.post_message(&message).ok();
        }
    }

    fn next_id(&self) -> u32 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        id
    }

    /// Sends a numbered request; its reply, or why there is none.
    fn request(&self, request: EngineRequest) -> impl Future<Output = Outcome> + use<> {
        let id = request.id().unwrap_or(STARTED);
        let reply = self.wait_for(id);
        let sent = match self.stopped.borrow().clone() {
            Some(why) => Err(why),
            None => encode(&request)
                .and_then(|m| self.worker.post_message(&m).map_err(|e| js_error(&e))),
        };
        if sent.is_err() {
            self.pending.borrow_mut().remove(&id);
        }
        async move {
            sent?;
            reply.await
        }
    }

    /// The reply to request `id`, once it comes.
    fn wait_for(&self, id: u32) -> impl Future<Output = Outcome> + use<> {
        let (sender, receiver) = oneshot::channel();
        self.pending.borrow_mut().insert(id, sender);
        async move {
            receiver
                .await
                .unwrap_or_else(|_| Err("the engine worker's reply was lost".into()))
        }
    }
}

/// Hands a reply to the request it answers. The one place replies are matched: one to a request
/// no longer waiting (its page-side future dropped) goes nowhere; one that does not decode fails
/// every request in flight, with the reason.
fn settle(pending: &Pending, data: JsValue) {
    match decode::<EngineReply>(data) {
        Ok(reply) => {
            let waiting = pending.borrow_mut().remove(&reply.id());
            let outcome = match reply {
                EngineReply::Error { message, .. } => Err(message),
                reply => Ok(reply),
            };
            if let Some(waiting) = waiting {
                waiting.send(outcome).ok();
            }
        }
        Err(why) => {
            let why = format!("the engine worker sent {why}");
            web_sys::console::error_1(&why.clone().into());
            for (_, waiting) in pending.borrow_mut().drain() {
                waiting.send(Err(why.clone())).ok();
            }
        }
    }
}

/// A reply's values and the lengths of their parts.
fn values(reply: EngineReply) -> Result<(Vec<f32>, Vec<u32>), String> {
    match reply {
        EngineReply::Values {
            values, lengths, ..
        } => Ok((values, lengths)),
        _ => Err("the engine worker sent no values".into()),
    }
}

/// Resolves after `ms` milliseconds.
async fn timeout(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), ms)
                .ok();
        }
    });
    JsFuture::from(promise).await.ok();
}
