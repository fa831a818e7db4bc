//! The page's state: what is on the pad, what is shown, the engines, teaching, training and
//! the report card. The one owner of the engines: the recognition loop, the events and the `classify`
//! export all ask it. Only the modules beside this one change it.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use mnist_model::{Bitmap, Digit, PreprocessError, segment, segment_strokes};

use crate::engine::preference::Preference;
use crate::engine::{Backend, Engine, Host};
use crate::pad::Pad;
use crate::report::test_set::TestRun;
use crate::teach::Teaching;
use crate::train::Training;
use crate::view::View;

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

impl Engines {
    /// The kind of engine that answers (the CPU before any does).
    pub fn active_backend(&self) -> Backend {
        self.active.as_ref().map_or(Backend::Cpu, |e| e.backend)
    }
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
    /// Training a network from random weights.
    pub training: Training,
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
            training: Training::new(),
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
