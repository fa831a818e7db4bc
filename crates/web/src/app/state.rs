//! The page's state: what is on the pad, what is shown, and the engines. The one owner of the
//! engines: the recognition loop, the events and the `classify` export all ask it.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use mnist_model::{Bitmap, Digit, PreprocessError, segment, segment_strokes};

use crate::engine::{Backend, Engine, Host};
use crate::engine_choice::Preference;
use crate::pad::Pad;
use crate::recognise;
use crate::teaching::Teaching;
use crate::test_set::TestRun;
use crate::view::{View, WebGpuState};

/// What is being recognised.
pub enum Source {
    Pad,
    /// An opened image, already split into digits.
    Photo(Box<Reading>),
}

/// The digits found on the pad or an image, and the size of what they were found on (their
/// boxes are in its pixels).
#[derive(Debug, Clone)]
pub struct Reading {
    pub digits: Result<Vec<Digit>, PreprocessError>,
    pub frame: (usize, usize),
}

impl Reading {
    /// Splits `bitmap` into digits.
    pub fn of(bitmap: Bitmap<'_>) -> Self {
        Self {
            digits: segment(bitmap),
            frame: (bitmap.width, bitmap.height),
        }
    }
}

/// The engines the page has loaded, and which one answers.
pub struct Engines {
    /// Where new engines are loaded: the engine worker, or the page's thread.
    pub host: Host,
    /// Why the engines run on the page's thread (the worker could not start, or stopped).
    pub off_worker: Option<String>,
    /// The engine that answers.
    pub active: Option<Rc<Engine>>,
    /// Where it runs, as the status line says it.
    pub label: String,
    /// The CPU engine, kept to answer at once if the GPU is lost.
    pub cpu: Option<Rc<Engine>>,
    /// The WebGPU engine, once warm and until lost.
    pub gpu: Option<Rc<Engine>>,
    /// Why there is no WebGPU engine, when there will be none.
    pub webgpu_problem: Option<String>,
    /// What `select#engine` asks for.
    pub preference: Preference,
    /// Whether the engines are being timed against each other.
    pub measuring: bool,
}

pub struct App {
    pub pad: Pad,
    pub view: View,
    pub source: Source,
    pub engines: Engines,
    /// Bumped on every change of what is to be recognised.
    pub generation: u64,
    /// Whether the recognition loop is running.
    pub in_flight: bool,
    /// The report card: MNIST's test set run in the page.
    pub test_run: TestRun,
    /// The user's examples, adapting to them, and which weights answer.
    pub teaching: Teaching,
}

pub type Shared = Rc<RefCell<App>>;

thread_local! {
    /// The page's app, once started: for exports called from JavaScript.
    static APP: OnceCell<Shared> = const { OnceCell::new() };
}

impl App {
    /// Builds the app and registers it for [`current_engine`].
    pub fn start(pad: Pad, view: View) -> Shared {
        let app = Rc::new(RefCell::new(App {
            pad,
            view,
            source: Source::Pad,
            engines: Engines {
                host: Host::Page,
                off_worker: None,
                active: None,
                label: String::new(),
                cpu: None,
                gpu: None,
                webgpu_problem: None,
                preference: Preference::stored(),
                measuring: false,
            },
            generation: 0,
            in_flight: false,
            test_run: TestRun::default(),
            teaching: Teaching::new(),
        }));
        APP.with(|a| a.set(app.clone()).ok());
        app
    }

    /// The digits on the pad (or the opened image), each made into a model input. The pad's
    /// strokes are known as vectors, so each digit is drawn again with a pen in proportion to
    /// it (`segment_strokes`); an image is split by its pixels.
    pub fn reading(&self) -> Reading {
        match &self.source {
            Source::Photo(reading) => (**reading).clone(),
            Source::Pad => {
                let side = self.pad.side().round().max(1.0) as usize;
                Reading {
                    digits: segment_strokes(&self.pad.strokes(), self.pad.pen_width() as f32),
                    frame: (side, side),
                }
            }
        }
    }
}

/// The engine that answers now, if the page has one.
pub fn current_engine() -> Option<Rc<Engine>> {
    APP.with(|a| a.get().and_then(|app| app.borrow().engines.active.clone()))
}

/// Makes `engine` the one that answers, and says on the page where it runs.
pub fn use_engine(app: &Shared, engine: Rc<Engine>, label: String) {
    {
        let mut a = app.borrow_mut();
        a.view.set_backend(engine.backend);
        a.view.set_thread(matches!(engine.host(), Host::Worker(_)));
        a.engines.active = Some(engine);
    }
    set_label(app, label);
}

/// The GPU stopped working (driver reset, device destroyed): drops the WebGPU engine, says
/// why, and answers on the CPU engine.
pub fn gpu_lost(app: &Shared, message: &str) {
    let problem = format!("WebGPU stopped working: {message}");
    let cpu = {
        let mut a = app.borrow_mut();
        a.engines.gpu = None;
        a.engines.webgpu_problem = Some(problem.clone());
        a.engines.cpu.clone().expect("the CPU engine loads first")
    };
    use_engine(app, cpu, format!("the CPU ({problem})"));
    app.borrow().view.set_webgpu(WebGpuState::Lost);
}

/// `weights` made into an engine of kind `backend` where the page's engines live; on the
/// page's thread if the engine worker stopped meanwhile (`startup::leave_worker` has moved
/// the page there and said why).
pub async fn load_engine(
    app: &Shared,
    weights: &[u8],
    backend: Backend,
) -> Result<Rc<Engine>, String> {
    let host = app.borrow().engines.host.clone();
    let loaded = match host.load(weights, backend).await {
        Err(_) if matches!(&host, Host::Worker(worker) if worker.has_stopped()) => {
            Host::Page.load(weights, backend).await
        }
        loaded => loaded,
    };
    loaded.map(Rc::new)
}

/// Says on the status line where answers come from, and keeps it for the timings that follow.
fn set_label(app: &Shared, mut label: String) {
    let mut a = app.borrow_mut();
    if let Some(why) = &a.engines.off_worker {
        label = format!("{label}, on the page's thread ({why})");
    }
    a.view.set_status(&format!("Running on {label}."));
    a.engines.label = label;
}

/// Records a change of what is to be recognised and makes sure an answer will follow.
pub fn changed(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        a.generation += 1;
        a.view.set_busy(true);
    }
    recognise::schedule(app);
}
