//! The "Train it yourself" panel: the settings, start / pause / stop, what the run says, the
//! curves and the first layer's filters as they form, the speed and time left, and the test of
//! the result, through the `data-*` hooks the browser tests read.

use web_sys::{
    CanvasRenderingContext2d, Document, Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement,
    HtmlInputElement, HtmlProgressElement, HtmlSelectElement,
};

use crate::dom::{by_id, context_2d, percent};
use crate::engine::Backend;
use crate::paint::{diverging, paint, scratch};
// Up to the folder's root, on purpose: the view shows the state the root defines.
use crate::train::{History, TrainState, curve};

/// The first layer's filters: 32 of 5×5, drawn 8 to a row with a pixel between them.
const FILTERS: usize = 32;
const KERNEL: usize = 5;
const PER_ROW: usize = 8;
/// The most epochs the panel offers.
pub const MAX_EPOCHS: u32 = 20;

pub struct TrainView {
    body: HtmlElement,
    panel: Element,
    size: HtmlSelectElement,
    epochs: HtmlInputElement,
    start: HtmlButtonElement,
    pause: HtmlButtonElement,
    stop: HtmlButtonElement,
    use_model: HtmlButtonElement,
    message: Element,
    progress: HtmlProgressElement,
    /// `#train-curve[data-steps][data-total][data-loss]`.
    curve: HtmlCanvasElement,
    curve_context: CanvasRenderingContext2d,
    filters: HtmlCanvasElement,
    filters_context: CanvasRenderingContext2d,
    speed: Element,
    /// `#train-report[data-accuracy][data-ips][data-backend]`.
    report: Element,
    summary: Element,
}

impl TrainView {
    pub fn new(document: &Document) -> Result<Self, String> {
        let curve: HtmlCanvasElement = by_id(document, "train-curve")?;
        let filters: HtmlCanvasElement = by_id(document, "train-filters")?;
        Ok(Self {
            body: document.body().ok_or("the page has no body")?,
            panel: by_id(document, "train-card")?,
            size: by_id(document, "train-size")?,
            epochs: by_id(document, "train-epochs")?,
            start: by_id(document, "train-start")?,
            pause: by_id(document, "train-pause")?,
            stop: by_id(document, "train-stop")?,
            use_model: by_id(document, "train-use")?,
            message: by_id(document, "train-message")?,
            progress: by_id(document, "train-progress")?,
            curve_context: context_2d(&curve)?,
            curve,
            filters_context: context_2d(&filters)?,
            filters,
            speed: by_id(document, "train-speed")?,
            report: by_id(document, "train-report")?,
            summary: by_id(document, "train-summary")?,
        })
    }

    /// The digits and epochs asked for, or why they cannot be.
    pub fn settings(&self) -> Result<(u32, u32), String> {
        let digits = self
            .size
            .value()
            .parse()
            .map_err(|_| "Choose how many digits to train on.".to_string())?;
        let epochs = self
            .epochs
            .value()
            .trim()
            .parse()
            .ok()
            .filter(|e| (1..=MAX_EPOCHS).contains(e))
            .ok_or_else(|| format!("Epochs: a whole number from 1 to {MAX_EPOCHS}."))?;
        Ok((digits, epochs))
    }

    /// Says something about training, and opens the panel so that it is seen.
    pub fn say(&self, message: &str) {
        self.message.set_text_content(Some(message));
        self.panel.set_attribute("open", "").ok();
    }

    /// `body[data-train]`, and which controls can be used.
    pub fn set_state(&self, state: TrainState, has_model: bool) {
        self.body.set_attribute("data-train", state.id()).ok();
        let running = state == TrainState::Running;
        self.start.set_disabled(running);
        self.size.set_disabled(running);
        self.epochs.set_disabled(running);
        // Running with a model is testing it: nothing to pause.
        self.pause.set_disabled(!running || has_model);
        self.stop.set_disabled(!running);
        self.use_model.set_disabled(running || !has_model);
        if !running {
            self.set_paused(false);
        }
    }

    /// Whether the pause button says Resume.
    pub fn set_paused(&self, paused: bool) {
        self.pause
            .set_text_content(Some(if paused { "Resume" } else { "Pause" }));
        self.pause
            .set_attribute("aria-pressed", if paused { "true" } else { "false" })
            .ok();
    }

    /// A new run: empty curves, no report.
    pub fn begin(&self, history: &History) {
        self.show_history(history);
        self.progress.set_value(0.0);
        self.speed.set_text_content(None);
        self.summary.set_text_content(None);
        for key in ["data-accuracy", "data-ips", "data-backend"] {
            self.report.set_attribute(key, "").ok();
        }
        self.filters_context.clear_rect(
            0.0,
            0.0,
            f64::from(self.filters.width()),
            f64::from(self.filters.height()),
        );
    }

    /// The curves so far, and how far the run has got.
    pub fn show_history(&self, history: &History) {
        curve::draw(&self.curve, &self.curve_context, history);
        let done = history.losses.len();
        self.curve
            .set_attribute("data-steps", &done.to_string())
            .ok();
        self.curve
            .set_attribute("data-total", &history.steps.to_string())
            .ok();
        let loss = history.losses.last().map_or(String::new(), f32::to_string);
        self.curve.set_attribute("data-loss", &loss).ok();
        self.progress
            .set_value(done as f64 / f64::from(history.steps.max(1)));
    }

    /// Speed, and the time left at that speed.
    pub fn show_speed(&self, images_per_second: f32, seconds_left: f64, backend: Backend) {
        let left = match seconds_left {
            s if s < 90.0 => format!("{} s", s.round()),
            s => format!("{} min", (s / 60.0).round()),
        };
        self.speed.set_text_content(Some(&format!(
            "{images_per_second:.0} images a second on {} · about {left} left",
            backend.place()
        )));
    }

    /// The first convolution's 32 filters (800 values).
    pub fn show_filters(&self, values: &[f32]) {
        if values.len() != FILTERS * KERNEL * KERNEL {
            return;
        }
        let rows = FILTERS / PER_ROW;
        let (width, height) = (PER_ROW * (KERNEL + 1) - 1, rows * (KERNEL + 1) - 1);
        let Some((canvas, context)) = scratch(width as u32, height as u32) else {
            return;
        };
        // One picture with a gap of background between the filters, each on its own scale:
        // what a filter picks out is its pattern, whatever its strength.
        let mut grid = vec![f32::NAN; width * height];
        for (f, kernel) in values.chunks(KERNEL * KERNEL).enumerate() {
            let top = kernel.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
            let (x0, y0) = ((f % PER_ROW) * (KERNEL + 1), (f / PER_ROW) * (KERNEL + 1));
            for (i, v) in kernel.iter().enumerate() {
                grid[(y0 + i / KERNEL) * width + x0 + i % KERNEL] = v / top;
            }
        }
        paint(&context, &grid, width, |v| {
            if v.is_nan() {
                [40, 44, 52]
            } else {
                diverging(v)
            }
        });
        let out = &self.filters_context;
        out.set_image_smoothing_enabled(false);
        out.clear_rect(
            0.0,
            0.0,
            f64::from(self.filters.width()),
            f64::from(self.filters.height()),
        );
        out.draw_image_with_html_canvas_element_and_dw_and_dh(
            &canvas,
            0.0,
            0.0,
            f64::from(self.filters.width()),
            f64::from(self.filters.height()),
        )
        .ok();
    }

    /// Testing the result: `done` of `total` test digits.
    pub fn testing(&self, done: usize, total: usize, accuracy: f64) {
        self.summary.set_text_content(Some(&format!(
            "Testing on MNIST's test digits: {done} of {total}, {} right so far…",
            percent(accuracy as f32, 1)
        )));
    }

    /// The test's result: `accuracy` on `n` test digits, trained at `images_per_second` on
    /// `backend`.
    pub fn report(&self, accuracy: f64, n: usize, images_per_second: f32, backend: Backend) {
        self.report
            .set_attribute("data-accuracy", &format!("{accuracy:.4}"))
            .ok();
        self.report
            .set_attribute("data-ips", &format!("{images_per_second:.1}"))
            .ok();
        self.report.set_attribute("data-backend", backend.id()).ok();
        self.summary.set_text_content(Some(&format!(
            "Your network reads {} of MNIST's {n} test digits right.",
            percent(accuracy as f32, 2)
        )));
    }

    /// The test could not be run.
    pub fn report_failed(&self, message: &str) {
        self.summary.set_text_content(Some(message));
    }

    pub fn clear_speed(&self) {
        self.speed.set_text_content(None);
    }
}
