//! Everything the page shows about the answer, through the stable `data-*` hooks that the
//! browser tests read. It owns the views of each part of the page; `number` is the answer
//! for a whole number.

pub mod number;

use std::cell::RefCell;

use mnist_model::personal::{KEY_ADAPTED_FROM, KEY_EXAMPLES, KEY_TRAINED_IN_PAGE};
use mnist_model::weights::WeightsInfo;
use mnist_model::{Digit, NUM_CLASSES};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Document, Element, HtmlElement, HtmlSelectElement};

use crate::dom::{by_id, context_2d, paint_input, percent};
use crate::engine::preference::Preference;
use crate::engine::timing::Timings;
use crate::engine::{Answer, Backend};
use crate::inside::layers::LayersView;
use crate::inside::why::WhyView;
use crate::report::view::ReportView;
use crate::teach::view::TeachView;
use crate::train::view::TrainView;
use number::NumberView;

/// `body[data-state]`: where the page as a whole stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageState {
    /// Fetching the weights and building the first engine.
    Loading,
    /// Answering.
    Ready,
    /// Cannot answer; `#error-message` says why.
    Error,
}

impl PageState {
    pub fn as_str(self) -> &'static str {
        match self {
            PageState::Loading => "loading",
            PageState::Ready => "ready",
            PageState::Error => "error",
        }
    }
}

/// `body[data-webgpu]`: where WebGPU stands (the page answers on the CPU meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebGpuState {
    /// Requested, or compiling its shaders.
    Starting,
    /// Answering.
    Ready,
    /// The browser offers no usable adapter.
    Unavailable,
    /// The device was lost after it had answered; the CPU answers again.
    Lost,
}

impl WebGpuState {
    fn as_str(self) -> &'static str {
        match self {
            WebGpuState::Starting => "starting",
            WebGpuState::Ready => "ready",
            WebGpuState::Unavailable => "unavailable",
            WebGpuState::Lost => "lost",
        }
    }
}

pub struct View {
    body: HtmlElement,
    prediction: Element,
    digit: Element,
    confidence: Element,
    bars: Vec<HtmlElement>,
    /// Each bar's value as text, for screen readers.
    bar_values: Vec<Element>,
    /// The polite live region, and what it said last.
    announce: Element,
    announced: RefCell<String>,
    preview: CanvasRenderingContext2d,
    status: Element,
    engine: HtmlSelectElement,
    error_message: Element,
    model_info: Element,
    number: NumberView,
    /// The "look inside" panel.
    pub layers: LayersView,
    /// "Why this answer?" over the preview.
    pub why: WhyView,
    /// The report card on MNIST's test set.
    pub report: ReportView,
    /// Teaching: the examples, adapting, the personal model.
    pub teach: TeachView,
    /// Training a network from scratch.
    pub train: TrainView,
}

impl View {
    pub fn new(document: &Document) -> Result<Self, String> {
        let probabilities: Element = by_id(document, "probabilities")?;
        let bars = (0..NUM_CLASSES)
            .map(|d| {
                probabilities
                    .query_selector(&format!("[data-digit=\"{d}\"]"))
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                    .ok_or_else(|| format!("#probabilities has no bar for {d}"))
            })
            .collect::<Result<Vec<HtmlElement>, _>>()?;
        let bar_values = bars
            .iter()
            .map(|bar| {
                bar.query_selector(".visually-hidden")
                    .ok()
                    .flatten()
                    .ok_or_else(|| "a bar of #probabilities has no value text".to_string())
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            body: document.body().ok_or("the page has no body")?,
            prediction: by_id(document, "prediction")?,
            digit: by_id(document, "digit")?,
            confidence: by_id(document, "confidence")?,
            bars,
            bar_values,
            announce: by_id(document, "announce")?,
            announced: RefCell::default(),
            preview: context_2d(&by_id(document, "preview")?)?,
            status: by_id(document, "status")?,
            engine: by_id(document, "engine")?,
            error_message: by_id(document, "error-message")?,
            model_info: by_id(document, "model-info")?,
            number: NumberView::new(document)?,
            layers: LayersView::new(document)?,
            why: WhyView::new(document)?,
            report: ReportView::new(document)?,
            teach: TeachView::new(document)?,
            train: TrainView::new(document)?,
        })
    }

    pub fn set_state(&self, state: PageState) {
        self.body.set_attribute("data-state", state.as_str()).ok();
    }

    /// `body[data-backend]`: the engine that answers.
    pub fn set_backend(&self, backend: Backend) {
        self.body.set_attribute("data-backend", backend.id()).ok();
    }

    /// `body[data-thread]`: where the engine that answers computes, `worker` (the engine
    /// worker) or `page` (the page's own thread, where the worker cannot run).
    pub fn set_thread(&self, in_worker: bool) {
        let thread = if in_worker { "worker" } else { "page" };
        self.body.set_attribute("data-thread", thread).ok();
    }

    pub fn set_webgpu(&self, state: WebGpuState) {
        self.body.set_attribute("data-webgpu", state.as_str()).ok();
    }

    /// Shows the engine choice in `select#engine`.
    pub fn set_engine_choice(&self, preference: Preference) {
        self.engine.set_value(preference.id());
    }

    /// The last timing of the engines against each other, on `select#engine`: for the tests
    /// and the benchmark.
    pub fn set_engine_timings(&self, timings: Timings) {
        let e = &self.engine;
        e.set_attribute("data-cpu-ms", &format!("{:.1}", timings.cpu_ms))
            .ok();
        e.set_attribute("data-webgpu-ms", &format!("{:.1}", timings.webgpu_ms))
            .ok();
    }

    /// Which weights answer: `#model-info[data-checksum]` and a line in the footer.
    pub fn set_model_info(&self, info: &WeightsInfo) {
        let meta = |key: &str| info.metadata.get(key).map_or("", String::as_str);
        let text = match info.metadata.get(KEY_EXAMPLES) {
            None if info.metadata.contains_key(KEY_TRAINED_IN_PAGE) => format!(
                "Weights: yours, trained {} ({}), checksum {}.",
                meta(KEY_TRAINED_IN_PAGE),
                info.precision(),
                info.checksum()
            ),
            Some(examples) => format!(
                "Weights: yours, adapted to {examples} examples from {} ({}), checksum {}.",
                meta(KEY_ADAPTED_FROM),
                info.precision(),
                info.checksum()
            ),
            None => format!(
                "Weights: shipped ({}), trained {}, checksum {}.",
                info.precision(),
                meta("date").get(..10).unwrap_or(meta("date")),
                info.checksum()
            ),
        };
        self.model_info.set_text_content(Some(&text));
        self.model_info
            .set_attribute("data-checksum", info.checksum())
            .ok();
    }

    pub fn set_status(&self, text: &str) {
        self.status.set_text_content(Some(text));
    }

    pub fn show_error(&self, message: &str) {
        self.error_message.set_text_content(Some(message));
        self.set_state(PageState::Error);
    }

    /// Says the answer shown, once, through the polite live region: the digit or the number,
    /// and "not sure" when it is. Called when an answer has settled, never while drawing.
    pub fn announce(&self) {
        let shown = self.digit.text_content().unwrap_or_default();
        let said = self.confidence.text_content().unwrap_or_default();
        let text = match shown.as_str() {
            "–" => String::new(),
            "?" => format!("Not sure. {said}"),
            _ => format!("{shown}: {said}"),
        };
        if *self.announced.borrow() != text {
            self.announce.set_text_content(Some(&text));
            *self.announced.borrow_mut() = text;
        }
    }

    /// Whether the shown answer lags behind the drawing.
    pub fn set_busy(&self, busy: bool) {
        self.prediction
            .set_attribute("data-busy", if busy { "true" } else { "false" })
            .ok();
    }

    /// How long the last answer took: reading and preprocessing the pad, and running the
    /// network (upload, forward pass, read-back). For the browser benchmark.
    pub fn set_timing(&self, prepare_ms: f64, model_ms: f64) {
        let p = &self.prediction;
        p.set_attribute("data-prepare-ms", &format!("{prepare_ms:.2}"))
            .ok();
        p.set_attribute("data-model-ms", &format!("{model_ms:.2}"))
            .ok();
    }

    /// The answer for the digits on the pad: the first (or only) digit through the page's
    /// hooks, bars and preview; a number of several digits in the number panel as well.
    pub fn show(&self, outputs: &[Answer], digits: &[Digit], frame: (usize, usize)) {
        let (Some(first), Some(first_digit)) = (outputs.first(), digits.first()) else {
            self.show_nothing("Draw a digit");
            return;
        };
        let v = first.verdict();
        let p = &self.prediction;
        p.set_attribute("data-digit", &v.digit.to_string()).ok();
        p.set_attribute("data-confidence", &format!("{:.4}", v.confidence))
            .ok();
        p.set_attribute("data-sure", if v.sure { "true" } else { "false" })
            .ok();
        let unlike = if v.unlike_any_digit { "true" } else { "false" };
        p.set_attribute("data-unlike", unlike).ok();
        let number = self.number.show(outputs, digits, frame);
        p.set_attribute("data-count", &outputs.len().to_string())
            .ok();
        if outputs.len() > 1 {
            self.digit.set_text_content(Some(&number.value));
            self.confidence.set_text_content(Some(&number.summary));
        } else {
            let touching = if first_digit.touching {
                " · digits touching? leave a gap between them"
            } else {
                ""
            };
            let (shown, said) = if v.sure {
                (
                    v.digit.to_string(),
                    format!("{} sure{touching}", percent(v.confidence, 1)),
                )
            } else {
                (
                    "?".to_string(),
                    format!("not sure: {}{touching}", v.doubt()),
                )
            };
            self.digit.set_text_content(Some(&shown));
            self.confidence.set_text_content(Some(&said));
        }
        for (digit, (bar, p)) in self.bars.iter().zip(first.probabilities).enumerate() {
            bar.set_attribute("data-p", &format!("{p:.4}")).ok();
            bar.style().set_property("--p", &format!("{p:.4}")).ok();
            self.bar_values[digit].set_text_content(Some(&format!("{digit}: {}", percent(p, 0))));
        }
        paint_input(&self.preview, Some(&first_digit.input));
    }

    /// Nothing drawn: no digit, empty bars, blank preview.
    pub fn show_nothing(&self, hint: &str) {
        self.prediction.set_attribute("data-digit", "").ok();
        self.prediction.set_attribute("data-confidence", "0").ok();
        self.prediction.set_attribute("data-sure", "true").ok();
        self.prediction.set_attribute("data-unlike", "false").ok();
        self.prediction.set_attribute("data-count", "0").ok();
        self.digit.set_text_content(Some("–"));
        self.confidence.set_text_content(Some(hint));
        for (digit, bar) in self.bars.iter().enumerate() {
            bar.set_attribute("data-p", "0").ok();
            bar.style().set_property("--p", "0").ok();
            self.bar_values[digit].set_text_content(Some(&format!("{digit}: 0%")));
        }
        paint_input(&self.preview, None);
        self.number.clear();
        self.layers.clear();
        self.why.clear();
    }
}
