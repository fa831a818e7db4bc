//! The teaching area of the page: the examples as thumbnails (each deletable), adapting with
//! its progress, and which weights answer, with reset and download for personal ones.

use mnist_model::personal::{Example, KEY_TRAINED_IN_PAGE};
use mnist_model::weights;
use mnist_model::{IMAGE_SIDE, NUM_CLASSES};
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlAnchorElement, HtmlButtonElement, HtmlCanvasElement, HtmlElement,
    HtmlProgressElement,
};

use crate::dom::{by_id, context_2d, name_image, paint_input};
// Up to the folder's root, on purpose: the view shows the state the root defines.
use crate::teach::AdaptState;

const DOWNLOAD_NAME: &str = "mnist-cnn-personal.bpk";

pub struct TeachView {
    document: Document,
    body: HtmlElement,
    panel: Element,
    /// `#examples[data-count]`.
    examples: Element,
    message: Element,
    teach: Vec<HtmlButtonElement>,
    guide: HtmlButtonElement,
    adapt: HtmlButtonElement,
    cancel: HtmlButtonElement,
    clear: HtmlButtonElement,
    /// `#adapt-progress[data-step][data-steps][data-loss]`.
    progress: HtmlProgressElement,
    model_state: Element,
    reset: HtmlButtonElement,
    download: HtmlAnchorElement,
}

impl TeachView {
    pub fn new(document: &Document) -> Result<Self, String> {
        let teach = (0..NUM_CLASSES)
            .map(|d| {
                document
                    .query_selector(&format!("button[data-teach=\"{d}\"]"))
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into().ok())
                    .ok_or_else(|| format!("the page has no teach button for {d}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            document: document.clone(),
            body: document.body().ok_or("the page has no body")?,
            panel: by_id(document, "teach")?,
            examples: by_id(document, "examples")?,
            message: by_id(document, "teach-message")?,
            teach,
            guide: by_id(document, "guide")?,
            adapt: by_id(document, "adapt")?,
            cancel: by_id(document, "cancel-adapt")?,
            clear: by_id(document, "clear-examples")?,
            progress: by_id(document, "adapt-progress")?,
            model_state: by_id(document, "model-state")?,
            reset: by_id(document, "reset-model")?,
            download: by_id(document, "download-weights")?,
        })
    }

    /// Says something about teaching, and opens the panel so that it is seen.
    pub fn say(&self, message: &str) {
        self.message.set_text_content(Some(message));
        self.panel.set_attribute("open", "").ok();
    }

    /// Draws every example with its label and a delete button.
    pub fn show_examples(&self, examples: &[Example], running: bool) {
        self.draw_examples(examples);
        self.set_buttons(examples.len(), running);
    }

    /// Which of the buttons can be pressed, for `count` examples and adapting `running` (the
    /// thumbnails stay: drawing them again costs the page's thread a few ms each).
    pub fn set_buttons(&self, count: usize, running: bool) {
        self.examples
            .set_attribute("data-count", &count.to_string())
            .ok();
        self.adapt.set_disabled(count == 0 || running);
        self.clear.set_disabled(count == 0 || running);
        self.cancel.set_disabled(!running);
    }

    fn draw_examples(&self, examples: &[Example]) {
        self.examples.set_inner_html("");
        for (i, example) in examples.iter().enumerate() {
            let Ok(figure) = self.document.create_element("figure") else {
                continue;
            };
            if let Some(canvas) = self
                .document
                .create_element("canvas")
                .ok()
                .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
            {
                canvas.set_width(IMAGE_SIDE as u32);
                canvas.set_height(IMAGE_SIDE as u32);
                name_image(&canvas, &format!("your {}", example.label));
                if let Ok(ctx) = context_2d(&canvas) {
                    paint_input(&ctx, Some(&example.input));
                }
                figure.append_child(&canvas).ok();
            }
            if let Ok(caption) = self.document.create_element("figcaption") {
                caption.set_text_content(Some(&example.label.to_string()));
                figure.append_child(&caption).ok();
            }
            if let Ok(delete) = self.document.create_element("button") {
                delete.set_attribute("type", "button").ok();
                delete.set_attribute("data-delete", &i.to_string()).ok();
                let label = format!("Delete this {}", example.label);
                delete.set_attribute("aria-label", &label).ok();
                delete.set_attribute("title", &label).ok();
                delete.set_text_content(Some("×"));
                figure.append_child(&delete).ok();
            }
            self.examples.append_child(&figure).ok();
        }
    }

    /// `body[data-adapt]`.
    pub fn set_state(&self, state: AdaptState) {
        self.body.set_attribute("data-adapt", state.id()).ok();
    }

    /// Adapting's progress: `step` of `steps`, and the last batch's loss.
    pub fn progress(&self, step: usize, steps: usize, loss: Option<f32>) {
        let p = &self.progress;
        p.set_max(steps.max(1) as f64);
        p.set_value(step as f64);
        p.set_attribute("data-step", &step.to_string()).ok();
        p.set_attribute("data-steps", &steps.to_string()).ok();
        let loss = loss.map_or(String::new(), |l| format!("{l:.4}"));
        p.set_attribute("data-loss", &loss).ok();
        let text = if step == 0 {
            "Reading your examples and the replayed digits…".to_string()
        } else {
            format!("Learning: step {step} of {steps}, loss {loss}.")
        };
        self.model_state.set_text_content(Some(&text));
    }

    /// How long the last adapting took in the worker, and where (`data-ms`, `data-backend`).
    pub fn set_time(&self, ms: f64, backend: &str) {
        let p = &self.progress;
        p.set_attribute("data-ms", &format!("{ms:.0}")).ok();
        p.set_attribute("data-backend", backend).ok();
    }

    /// Which weights answer (`body[data-model]`): the personal ones (`Some(file)`, offered for
    /// download) or the shipped ones.
    pub fn set_model(&self, personal: Option<&[u8]>) {
        let old = self.download.href();
        if old.starts_with("blob:") {
            web_sys::Url::revoke_object_url(&old).ok();
        }
        let url = personal.and_then(blob_url);
        self.body
            .set_attribute(
                "data-model",
                if personal.is_some() {
                    "personal"
                } else {
                    "shipped"
                },
            )
            .ok();
        let trained_here = personal
            .and_then(|bytes| weights::inspect(bytes).ok())
            .is_some_and(|info| info.metadata.contains_key(KEY_TRAINED_IN_PAGE));
        self.model_state.set_text_content(Some(match personal {
            Some(_) if trained_here => "The network you trained in this page answers.",
            Some(_) => "Your personal model answers: the network adapted to your examples.",
            None => "The shipped weights answer.",
        }));
        self.reset.set_hidden(personal.is_none());
        match url {
            Some(url) => {
                self.download.set_href(&url);
                self.download.set_download(DOWNLOAD_NAME);
                self.download.set_hidden(false);
            }
            None => {
                self.download.remove_attribute("href").ok();
                self.download.set_hidden(true);
            }
        }
    }

    /// Marks the guided mode's button as pressed.
    pub fn set_guiding(&self, on: bool) {
        self.guide
            .set_attribute("aria-pressed", if on { "true" } else { "false" })
            .ok();
    }

    /// The teach buttons (for the events to listen on).
    pub fn teach_buttons(&self) -> &[HtmlButtonElement] {
        &self.teach
    }
}

fn blob_url(bytes: &[u8]) -> Option<String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}
