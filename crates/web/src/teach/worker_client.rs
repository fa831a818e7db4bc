//! The page's side of the teaching worker (crates/teach): started on the first adapt or the
//! first gradient "why?", sent jobs and requests, its messages turned into calls. Terminating
//! it is how a job is cancelled.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use mnist_browser::{js_error, object};

/// The worker's loader, written by Trunk next to its wasm.
const LOADER: &str = "mnist-teach_loader.js";

/// What the worker says.
pub enum Reply {
    Progress {
        step: usize,
        steps: usize,
        loss: Option<f32>,
    },
    Done {
        weights: Vec<u8>,
        ms: f64,
        backend: String,
    },
    Failed(String),
    /// The worker is listening (after a request made before that has been sent).
    Ready,
    /// The gradient saliency for request `id`.
    Why {
        id: u64,
        scores: Vec<f32>,
    },
    /// A gradient could not be had.
    WhyFailed(String),
}

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
    pub fn start(on_reply: impl Fn(Reply) + Clone + 'static) -> Result<Self, String> {
        let worker = Worker::new(LOADER).map_err(|e| js_error(&e))?;
        let waiting = Rc::new(RefCell::new(Some(None)));
        let heard = on_reply.clone();
        let (queue, target) = (waiting.clone(), worker.clone());
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if is_ready(&e.data()) {
                let pending = queue.borrow_mut().take().flatten();
                if let Some(request) = pending {
                    target.post_message(&request).ok();
                }
                heard(Reply::Ready);
            } else if let Some(reply) = parse(&e.data()) {
                heard(reply);
            }
        });
        let onerror = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            on_reply(Reply::Failed(format!(
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

    /// Asks for the `shipped` weights adapted to `examples` (as `mnist_model::personal`
    /// bytes), on WebGPU if `webgpu`; held back until the worker's wasm is listening.
    pub fn adapt(&self, shipped: &[u8], examples: &[u8], webgpu: bool) -> Result<(), String> {
        let request: JsValue = object(&[
            ("weights", js_sys::Uint8Array::from(shipped).into()),
            ("examples", js_sys::Uint8Array::from(examples).into()),
            ("backend", if webgpu { "webgpu" } else { "cpu" }.into()),
        ])
        .into();
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

    /// Asks for the gradient saliency of `input` for `digit` (request `id`), with `weights`
    /// when the worker does not have the page's current ones.
    pub fn explain(
        &self,
        id: u64,
        input: &[f32],
        digit: usize,
        webgpu: bool,
        weights: Option<&[u8]>,
    ) -> Result<(), String> {
        let request = object(&[
            ("kind", "why".into()),
            ("id", (id as f64).into()),
            ("input", js_sys::Float32Array::from(input).into()),
            ("digit", (digit as f64).into()),
            ("backend", if webgpu { "webgpu" } else { "cpu" }.into()),
        ]);
        if let Some(weights) = weights {
            let weights = js_sys::Uint8Array::from(weights);
            js_sys::Reflect::set(&request, &"weights".into(), &weights).ok();
        }
        self.worker.post_message(&request).map_err(|e| js_error(&e))
    }

    /// Stops it at once, whatever it is doing.
    pub fn terminate(&self) {
        self.worker.terminate();
    }
}

fn is_ready(data: &JsValue) -> bool {
    js_sys::Reflect::get(data, &"kind".into())
        .ok()
        .and_then(|v| v.as_string())
        .is_some_and(|k| k == "ready")
}

fn parse(data: &JsValue) -> Option<Reply> {
    let get = |key: &str| js_sys::Reflect::get(data, &key.into()).ok();
    let number = |key: &str| get(key).and_then(|v| v.as_f64());
    let text = |key: &str| get(key).and_then(|v| v.as_string()).unwrap_or_default();
    match text("kind").as_str() {
        "progress" => Some(Reply::Progress {
            step: number("step")? as usize,
            steps: number("steps")? as usize,
            loss: number("loss").map(|l| l as f32),
        }),
        "done" => Some(Reply::Done {
            weights: get("weights")?
                .dyn_into::<js_sys::Uint8Array>()
                .ok()?
                .to_vec(),
            ms: number("ms").unwrap_or(0.0),
            backend: text("backend"),
        }),
        "error" => Some(Reply::Failed(text("message"))),
        "why" => Some(Reply::Why {
            id: number("id")? as u64,
            scores: get("scores")?
                .dyn_into::<js_sys::Float32Array>()
                .ok()?
                .to_vec(),
        }),
        "why-error" => Some(Reply::WhyFailed(text("message"))),
        _ => None,
    }
}
