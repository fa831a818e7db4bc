//! The page's side of the engine worker: the page's own wasm run a second time in a Web Worker
//! (`web/engine-worker.js`, sent the module the page has compiled, so nothing is downloaded or
//! compiled twice) that holds the engines and computes the answers, so that drawing never
//! waits for the network. Requests are numbered and each reply settles its request. If the
//! worker cannot start the page loads its engines itself; if it stops later, every request in
//! flight fails and `on_stop` hears why.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use mnist_model::weights::WeightsInfo;
use mnist_model::{IMAGE_PIXELS, weights};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, MessageEvent, Worker, WorkerOptions, WorkerType};

use mnist_browser::{js_error, object};

use crate::backend::Backend;
use crate::browser::mark;
use crate::readout::Readout;

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

/// A request's promise's `resolve` and `reject`.
type Settle = (js_sys::Function, js_sys::Function);

/// A running engine worker and its handlers (kept alive with it).
pub struct EngineWorker {
    worker: Worker,
    next_id: Cell<u32>,
    pending: Rc<RefCell<HashMap<u32, Settle>>>,
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
        let pending: Rc<RefCell<HashMap<u32, Settle>>> = Rc::default();
        let stopped: Rc<RefCell<Option<String>>> = Rc::default();
        let started = Rc::new(Cell::new(false));

        let replies = pending.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            settle(&replies, &e.data());
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
            for (_, (_, reject)) in failed.borrow_mut().drain() {
                reject.call1(&JsValue::NULL, &why.clone().into()).ok();
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

        let listening = this.promise(STARTED);
        let message = object(&[("module", wasm_bindgen::module())]);
        this.worker
            .post_message(&message)
            .map_err(|e| js_error(&e))?;
        let timeout = js_sys::Promise::new(&mut |_, reject| {
            let too_late = Closure::once_into_js(move || {
                reject
                    .call1(&JsValue::NULL, &"the engine worker did not start".into())
                    .ok();
            });
            if let Some(window) = web_sys::window() {
                window
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        too_late.unchecked_ref(),
                        START_TIMEOUT_MS,
                    )
                    .ok();
            }
        });
        let race = js_sys::Promise::race(&js_sys::Array::of2(&listening, &timeout));
        if let Err(e) = JsFuture::from(race).await {
            this.worker.terminate();
            return Err(js_error(&e));
        }
        started.set(true);
        mark("engine worker");
        Ok(this)
    }

    /// Whether it has stopped (crashed, or failed to start).
    pub fn has_stopped(&self) -> bool {
        self.stopped.borrow().is_some()
    }

    /// The weights file loaded in the worker as an engine of kind `backend`, warmed up.
    pub async fn load(&self, weights: &[u8], backend: Backend) -> Result<Loaded, String> {
        let (id, reply) = self.request(&[
            ("kind", "load".into()),
            ("weights", js_sys::Uint8Array::from(weights).into()),
            ("backend", backend.id().into()),
        ]);
        let limit = values(&reply.await?)?
            .first()
            .copied()
            .ok_or("the engine worker did not say its novelty limit")?;
        // The worker has checked the file; the page keeps what it says about itself.
        let info = weights::inspect(weights).map_err(|e| e.to_string())?;
        mark(&format!("{} warm", backend.id()));
        Ok(Loaded {
            id,
            info,
            novelty_limit: limit,
        })
    }

    /// One forward pass of engine `engine` (see `Engine::forward`).
    pub async fn forward(
        &self,
        engine: u32,
        inputs: &[[f32; IMAGE_PIXELS]],
        layers: bool,
    ) -> Result<Readout, String> {
        let (_, reply) = self.request(&[
            ("kind", "forward".into()),
            ("engine", engine.into()),
            (
                "inputs",
                js_sys::Float32Array::from(inputs.as_flattened()).into(),
            ),
            ("layers", layers.into()),
        ]);
        let reply = reply.await?;
        let lengths = js_sys::Reflect::get(&reply, &"lengths".into())
            .ok()
            .and_then(|l| l.dyn_into::<js_sys::Array>().ok())
            .map(|l| {
                l.iter()
                    .filter_map(|n| n.as_f64())
                    .map(|n| n as usize)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Readout {
            values: values(&reply)?,
            lengths,
        })
    }

    /// The first convolution's kernels of engine `engine`.
    pub async fn kernels(&self, engine: u32) -> Result<Vec<f32>, String> {
        let (_, reply) = self.request(&[("kind", "kernels".into()), ("engine", engine.into())]);
        values(&reply.await?)
    }

    /// Frees engine `engine` in the worker.
    pub fn release(&self, engine: u32) {
        let message = object(&[("kind", "release".into()), ("engine", engine.into())]);
        self.worker.post_message(&message).ok();
    }

    /// Sends a request; its number, and its reply (or why there is none).
    fn request(
        &self,
        fields: &[(&str, JsValue)],
    ) -> (u32, impl Future<Output = Result<JsValue, String>> + use<>) {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let stopped = self.stopped.borrow().clone();
        let promise = self.promise(id);
        let message = object(fields);
        js_sys::Reflect::set(&message, &"id".into(), &id.into()).ok();
        let sent = match stopped {
            Some(why) => Err(why),
            None => self.worker.post_message(&message).map_err(|e| js_error(&e)),
        };
        if sent.is_err() {
            self.pending.borrow_mut().remove(&id);
        }
        let reply = async move {
            sent?;
            JsFuture::from(promise).await.map_err(|e| js_error(&e))
        };
        (id, reply)
    }

    /// A promise that the reply to request `id` settles.
    fn promise(&self, id: u32) -> js_sys::Promise {
        js_sys::Promise::new(&mut |resolve, reject| {
            self.pending.borrow_mut().insert(id, (resolve, reject));
        })
    }
}

/// Settles the request a reply answers: `{ kind: "done", id, … }` or `{ kind: "error", id,
/// message }`.
fn settle(pending: &RefCell<HashMap<u32, Settle>>, reply: &JsValue) {
    let get = |key: &str| js_sys::Reflect::get(reply, &key.into()).ok();
    let Some(id) = get("id").and_then(|id| id.as_f64()) else {
        return;
    };
    let Some((resolve, reject)) = pending.borrow_mut().remove(&(id as u32)) else {
        return;
    };
    if get("kind").and_then(|k| k.as_string()).as_deref() == Some("done") {
        resolve.call1(&JsValue::NULL, reply).ok();
    } else {
        let message = get("message").unwrap_or_else(|| "the engine worker failed".into());
        reject.call1(&JsValue::NULL, &message).ok();
    }
}

/// A reply's `values`.
fn values(reply: &JsValue) -> Result<Vec<f32>, String> {
    js_sys::Reflect::get(reply, &"values".into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Float32Array>().ok())
        .map(|v| v.to_vec())
        .ok_or_else(|| "the engine worker sent no values".into())
}
