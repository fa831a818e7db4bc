//! The "look inside" panel: what every layer of the network made of the current drawing (its
//! first digit), from the same forward pass as the answer, and, for a map pointed at, the map
//! enlarged and the 5×5 filter that made it. Closed, it costs the answer nothing: the page then
//! asks the engine for the answer alone.

use std::cell::RefCell;

use mnist_model::{IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Document, Element, HtmlCanvasElement};

use crate::dom::{by_id, context_2d, first_tab_stop, name_image, rove};
use crate::engine::{Answer, LayerMaps};
use crate::paint::{diverging, grey, paint, scratch};

/// One layer as the panel shows it: its hook name, its maps and their size, and what a map
/// of it is, for the caption.
/// The maps of `#layers`: one tab stop for them all, arrow keys between them.
const MAP: &str = "canvas[data-index]";

struct Spec {
    id: &'static str,
    maps: usize,
    width: usize,
    height: usize,
    about: &'static str,
}

const SPECS: [Spec; 7] = [
    Spec {
        id: "input",
        maps: 1,
        width: IMAGE_SIDE,
        height: IMAGE_SIDE,
        about: "the input: your digit as 28×28 pixels, the way MNIST digits were made",
    },
    Spec {
        id: "conv1",
        maps: 32,
        width: 28,
        height: 28,
        about: "conv1: where the 5×5 filter on the right matches the input (after ReLU)",
    },
    Spec {
        id: "pool1",
        maps: 32,
        width: 14,
        height: 14,
        about: "pool1: the conv1 map above, each 2×2 square kept as its largest value",
    },
    Spec {
        id: "conv2",
        maps: 64,
        width: 14,
        height: 14,
        about: "conv2: a 5×5 filter across all 32 pool1 maps at once, finding parts of digits",
    },
    Spec {
        id: "pool2",
        maps: 64,
        width: 7,
        height: 7,
        about: "pool2: the conv2 map, pooled again; all 64 together (3,136 values) feed the dense layer",
    },
    Spec {
        id: "dense",
        maps: 1,
        width: 32,
        height: 32,
        about: "dense: the 1,024 hidden units, one square each; each weighs all 3,136 pool2 values",
    },
    Spec {
        id: "output",
        maps: 1,
        width: NUM_CLASSES,
        height: 1,
        about: "output: the probability of each digit, 0 to 9 from left to right",
    },
];

struct Layer {
    canvases: Vec<HtmlCanvasElement>,
    contexts: Vec<CanvasRenderingContext2d>,
}

pub struct LayersView {
    document: Document,
    panel: Element,
    container: Element,
    /// Built the first time the panel shows something: 200 canvases are not worth a slower
    /// start for a panel most visits never open.
    layers: RefCell<Vec<Layer>>,
    focus_map: (HtmlCanvasElement, CanvasRenderingContext2d),
    focus_filter: (HtmlCanvasElement, CanvasRenderingContext2d),
    focus_caption: Element,
    /// conv1's kernels, read from the engine once the panel first shows.
    kernels: RefCell<Option<Vec<f32>>>,
}

impl LayersView {
    pub fn new(document: &Document) -> Result<Self, String> {
        let focus = |id| -> Result<_, String> {
            let canvas: HtmlCanvasElement = by_id(document, id)?;
            let context = context_2d(&canvas)?;
            context.set_image_smoothing_enabled(false);
            Ok((canvas, context))
        };
        let container: Element = by_id(document, "layers")?;
        rove(&container, MAP);
        Ok(Self {
            document: document.clone(),
            panel: by_id(document, "inside")?,
            container,
            layers: RefCell::new(Vec::new()),
            focus_map: focus("focus-map")?,
            focus_filter: focus("focus-filter")?,
            focus_caption: by_id(document, "focus-caption")?,
            kernels: RefCell::new(None),
        })
    }

    /// Builds a section per layer, with a canvas per map, inside `#layers`, once.
    fn build(&self) -> Result<(), String> {
        if !self.layers.borrow().is_empty() {
            return Ok(());
        }
        let document = &self.document;
        let container = &self.container;
        let make = |tag: &str| {
            document
                .create_element(tag)
                .map_err(|_| format!("cannot create a {tag}"))
        };
        let mut layers = Vec::new();
        for spec in &SPECS {
            let section = make("section")?;
            section.set_attribute("data-layer", spec.id).ok();
            section
                .set_attribute("data-maps", &spec.maps.to_string())
                .ok();
            let title = make("h3")?;
            title.set_text_content(Some(&format!(
                "{} · {}{}×{}",
                spec.id,
                if spec.maps > 1 {
                    format!("{} maps of ", spec.maps)
                } else {
                    String::new()
                },
                spec.width,
                spec.height
            )));
            section.append_child(&title).ok();
            let grid = make("div")?;
            grid.set_class_name("maps");
            let mut layer = Layer {
                canvases: Vec::new(),
                contexts: Vec::new(),
            };
            for index in 0..spec.maps {
                let canvas: HtmlCanvasElement = make("canvas")?
                    .dyn_into()
                    .map_err(|_| "not a canvas".to_string())?;
                canvas.set_width(spec.width as u32);
                canvas.set_height(spec.height as u32);
                canvas.set_attribute("data-index", &index.to_string()).ok();
                let name = match spec.maps {
                    1 => spec.id.to_string(),
                    n => format!("{} map {} of {n}", spec.id, index + 1),
                };
                name_image(&canvas, &name);
                grid.append_child(&canvas).ok();
                layer.contexts.push(context_2d(&canvas)?);
                layer.canvases.push(canvas);
            }
            section.append_child(&grid).ok();
            if spec.id == "output" {
                let labels = make("div")?;
                labels.set_class_name("labels");
                labels.set_attribute("aria-hidden", "true").ok();
                for digit in 0..NUM_CLASSES {
                    let label = make("span")?;
                    label.set_text_content(Some(&digit.to_string()));
                    labels.append_child(&label).ok();
                }
                section.append_child(&labels).ok();
            }
            container.append_child(&section).ok();
            layers.push(layer);
        }
        *self.layers.borrow_mut() = layers;
        first_tab_stop(container, MAP);
        Ok(())
    }

    /// Whether the panel is open (and so wants the layers with every answer).
    pub fn is_open(&self) -> bool {
        self.panel.has_attribute("open")
    }

    pub fn has_kernels(&self) -> bool {
        self.kernels.borrow().is_some()
    }

    pub fn set_kernels(&self, kernels: Vec<f32>) {
        *self.kernels.borrow_mut() = Some(kernels);
    }

    /// Paints every layer for `input` and its answer; each layer scaled by its own largest
    /// value, so that a weak map looks weak beside a strong one.
    pub fn show(&self, input: &[f32; IMAGE_PIXELS], maps: &LayerMaps, answer: &Answer) {
        if self.build().is_err() {
            return;
        }
        let layers = self.layers.borrow();
        let values: [&[f32]; 7] = [
            input,
            &maps.conv1,
            &maps.pool1,
            &maps.conv2,
            &maps.pool2,
            &maps.dense,
            &answer.probabilities,
        ];
        for ((spec, layer), values) in SPECS.iter().zip(layers.iter()).zip(values) {
            let top = match spec.id {
                "input" | "output" => 1.0,
                _ => values.iter().copied().fold(0.0f32, f32::max).max(1e-6),
            };
            let size = spec.width * spec.height;
            for (context, map) in layer.contexts.iter().zip(values.chunks_exact(size)) {
                paint(context, map, spec.width, |v| grey(v / top));
            }
        }
        self.panel.set_attribute("data-shown", "true").ok();
    }

    /// Nothing to show: every map black.
    pub fn clear(&self) {
        for (spec, layer) in SPECS.iter().zip(self.layers.borrow().iter()) {
            let blank = vec![0.0; spec.width * spec.height];
            for context in &layer.contexts {
                paint(context, &blank, spec.width, grey);
            }
        }
        self.panel.set_attribute("data-shown", "false").ok();
    }

    /// Enlarges map `index` of layer `id` and, for conv1 and pool1, shows the filter that
    /// made it.
    pub fn focus(&self, id: &str, index: usize) {
        let layers = self.layers.borrow();
        let Some((spec, layer)) = SPECS.iter().zip(layers.iter()).find(|(s, _)| s.id == id) else {
            return;
        };
        let Some(canvas) = layer.canvases.get(index) else {
            return;
        };
        let (target, context) = &self.focus_map;
        // Keep the map's proportions: the output is a row of ten.
        let scale = (f64::from(target.width()) / spec.width as f64)
            .min(f64::from(target.height()) / spec.height as f64);
        context.clear_rect(0.0, 0.0, target.width().into(), target.height().into());
        context
            .draw_image_with_html_canvas_element_and_dw_and_dh(
                canvas,
                0.0,
                0.0,
                spec.width as f64 * scale,
                spec.height as f64 * scale,
            )
            .ok();
        let kernel = matches!(id, "conv1" | "pool1")
            .then(|| {
                self.kernels
                    .borrow()
                    .as_ref()
                    .and_then(|k| k.get(index * 25..(index + 1) * 25).map(<[f32]>::to_vec))
            })
            .flatten();
        let (filter_canvas, filter) = &self.focus_filter;
        filter_canvas.set_hidden(kernel.is_none());
        if let Some(kernel) = kernel {
            // Signed weights: red pushes the map up, blue down.
            let top = kernel.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
            let small = scratch(5, 5);
            if let Some((canvas, ctx)) = small {
                paint(&ctx, &kernel, 5, |v| diverging(v / top));
                let (w, h) = (filter_canvas.width().into(), filter_canvas.height().into());
                filter
                    .draw_image_with_html_canvas_element_and_dw_and_dh(&canvas, 0.0, 0.0, w, h)
                    .ok();
            }
        }
        let number = if spec.maps > 1 {
            format!(" · map {} of {}", index + 1, spec.maps)
        } else {
            String::new()
        };
        self.focus_caption
            .set_text_content(Some(&format!("{}{number}", spec.about)));
    }
}
