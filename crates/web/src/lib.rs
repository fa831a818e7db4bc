//! The browser app: a drawing pad whose pixels go through the shared `preprocess` into the
//! shared `Cnn`. The page answers on Burn's CPU backend as soon as the weights are in, and on
//! Burn's wgpu backend (WebGPU) once that has compiled its shaders.

mod engine;
mod pad;
mod photo;
mod view;

use std::cell::RefCell;
use std::rc::Rc;

use burn::tensor::Device;
use mnist_model::{Bitmap, IMAGE_PIXELS, PixelFormat, PreprocessError, preprocess};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    Document, DragEvent, Event, HtmlButtonElement, HtmlCanvasElement, HtmlInputElement,
    PointerEvent,
};

use engine::{Backend, Engine};
use pad::Pad;
use view::{View, by_id, context_2d};

/// The trainer's export, copied into the build by Trunk.
const DEFAULT_WEIGHTS: &str = "model/mnist-cnn.bpk";

/// What is being recognised.
enum Source {
    Pad,
    /// An opened image, already preprocessed.
    Photo(Box<Result<[f32; IMAGE_PIXELS], PreprocessError>>),
}

struct App {
    pad: Pad,
    view: View,
    source: Source,
    /// The engine that answers.
    engine: Option<Rc<Engine>>,
    /// Where it runs, as the status line says it.
    engine_label: String,
    /// The CPU engine, kept to answer at once if the GPU is lost.
    cpu: Option<Rc<Engine>>,
    /// Bumped on every change of what is to be recognised.
    generation: u64,
    in_flight: bool,
}

type Shared = Rc<RefCell<App>>;

thread_local! {
    /// The ready engine, for [`classify`].
    static ENGINE: RefCell<Option<Rc<Engine>>> = const { RefCell::new(None) };
}

/// Logits for one 28×28 input (784 floats, white ink on black, 0..1), computed exactly as the
/// page does. Lets tests compare the browser's model with the native one on the same input.
#[wasm_bindgen]
pub async fn classify(input: Vec<f32>) -> Result<Vec<f32>, JsValue> {
    let input: [f32; IMAGE_PIXELS] = input.try_into().map_err(|v: Vec<f32>| {
        JsValue::from_str(&format!("expected {IMAGE_PIXELS} values, got {}", v.len()))
    })?;
    let engine = ENGINE
        .with(|e| e.borrow().clone())
        .ok_or_else(|| JsValue::from_str("the model is not ready"))?;
    let output = engine
        .classify(&input)
        .await
        .map_err(|e| JsValue::from_str(&e))?;
    Ok(output.logits.to_vec())
}

#[wasm_bindgen(start)]
pub fn main() {
    console_error_panic_hook::set_once();
    spawn_local(async {
        if let Err(message) = start().await {
            fatal(&message);
        }
    });
}

/// Puts the page in its error state even when the view could not be built.
fn fatal(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = document.get_element_by_id("error-message") {
        el.set_text_content(Some(message));
    }
    if let Some(body) = document.body() {
        body.set_attribute("data-state", "error").ok();
    }
}

async fn start() -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let canvas: HtmlCanvasElement = by_id(&document, "pad")?;
    let ctx = context_2d(&canvas)?;
    let view = View::new(&document)?;
    view.set_state("loading");
    view.show_nothing("Draw a digit");
    view.set_busy(false);
    let app = Rc::new(RefCell::new(App {
        pad: Pad::new(canvas, ctx),
        view,
        source: Source::Pad,
        engine: None,
        engine_label: String::new(),
        cpu: None,
        generation: 0,
        in_flight: false,
    }));
    wire(&app, &document)?;

    // The CPU answers long before WebGPU has compiled its shaders. WebGPU starts only then:
    // started alongside, its set-up sometimes held the CPU's start back by most of a second.
    let url = weights_url(&window);
    if let Some(weights) = start_on_cpu(&app, &url).await {
        move_to_webgpu(&app, &weights, engine::webgpu().await).await;
    }
    Ok(())
}

/// Fetches the weights and starts answering on the CPU; returns the weights, or `None` after
/// putting the page in its error state.
async fn start_on_cpu(app: &Shared, url: &str) -> Option<Vec<u8>> {
    let loaded = async {
        let weights = engine::fetch_weights(url).await?;
        match Engine::load(&weights, Device::flex(), Backend::Cpu).await {
            Ok(cpu) => Ok((weights, Rc::new(cpu))),
            Err(e) => Err(format!("The model weights ({url}) cannot be used: {e}.")),
        }
    };
    let (weights, cpu) = match loaded.await {
        Ok(loaded) => loaded,
        Err(message) => {
            app.borrow().view.show_error(&message);
            return None;
        }
    };
    app.borrow_mut().cpu = Some(cpu.clone());
    app.borrow().view.set_webgpu("starting");
    use_engine(app, cpu, "the CPU while WebGPU starts".into());
    app.borrow().view.set_state("ready");
    schedule(app);
    Some(weights)
}

/// Hands answering over to WebGPU once it has compiled its shaders, or says why it cannot.
async fn move_to_webgpu(app: &Shared, weights: &[u8], device: Result<Device, String>) {
    let gpu = match device {
        Ok(device) => Engine::load(weights, device, Backend::WebGpu).await,
        Err(reason) => Err(reason),
    };
    match gpu {
        Ok(gpu) => {
            use_engine(app, Rc::new(gpu), "WebGPU".into());
            app.borrow().view.set_webgpu("ready");
        }
        Err(reason) => {
            set_label(app, format!("the CPU ({reason})"));
            app.borrow().view.set_webgpu("unavailable");
        }
    }
}

/// Makes `engine` the one that answers, and says on the page where it runs.
fn use_engine(app: &Shared, engine: Rc<Engine>, label: String) {
    ENGINE.with(|e| *e.borrow_mut() = Some(engine.clone()));
    {
        let mut a = app.borrow_mut();
        a.view.set_backend(engine.backend.id());
        a.engine = Some(engine);
    }
    set_label(app, label);
}

/// Says on the status line where answers come from, and keeps it for the timings that follow.
fn set_label(app: &Shared, label: String) {
    let mut a = app.borrow_mut();
    a.view.set_status(&format!("Running on {label}."));
    a.engine_label = label;
}

/// `?weights=` may point to another same-origin weights file (used by the tests).
fn weights_url(window: &web_sys::Window) -> String {
    let search = window.location().search().unwrap_or_default();
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get("weights"))
        .filter(|u| !u.contains(':') && !u.starts_with("//"))
        .unwrap_or_else(|| DEFAULT_WEIGHTS.to_string())
}

/// Records a change of what is to be recognised and makes sure an answer will follow.
fn changed(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        a.generation += 1;
        a.view.set_busy(true);
    }
    schedule(app);
}

/// Starts the recognition loop unless it is running: at most one inference is in flight,
/// and the loop ends only once the answer shown is for the latest drawing.
fn schedule(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        if a.in_flight || a.engine.is_none() {
            return;
        }
        a.in_flight = true;
    }
    let app = app.clone();
    spawn_local(async move {
        loop {
            let prepare_started = now();
            let (generation, input, engine) = {
                let a = app.borrow();
                (a.generation, a.input(), a.engine.clone().expect("ready"))
            };
            let prepare_ms = now() - prepare_started;
            match input {
                Err(PreprocessError::Blank) => app.borrow().view.show_nothing("Draw a digit"),
                Err(e) => app
                    .borrow()
                    .view
                    .show_nothing(&format!("Cannot read this image: {e}")),
                Ok(input) => {
                    let started = now();
                    match engine.classify(&input).await {
                        Ok(output) => {
                            let model_ms = now() - started;
                            let a = app.borrow();
                            a.view.show(&output, &input);
                            a.view.set_timing(prepare_ms, model_ms);
                            a.view.set_status(&format!(
                                "Running on {} · last answer in {:.1} ms",
                                a.engine_label,
                                prepare_ms + model_ms
                            ));
                        }
                        Err(message) if engine.backend == Backend::WebGpu => {
                            // The GPU was lost (driver reset, device destroyed): carry on
                            // on the CPU and answer the same drawing again.
                            let cpu = app.borrow().cpu.clone().expect("loaded first");
                            let label = format!("the CPU (WebGPU stopped working: {message})");
                            use_engine(&app, cpu, label);
                            app.borrow().view.set_webgpu("lost");
                            continue;
                        }
                        Err(message) => app.borrow().view.show_nothing(&message),
                    }
                }
            }
            let mut a = app.borrow_mut();
            if a.generation == generation {
                a.in_flight = false;
                a.view.set_busy(false);
                break;
            }
        }
    });
}

impl App {
    /// The model input for what is on the pad (or the opened image).
    fn input(&self) -> Result<[f32; IMAGE_PIXELS], PreprocessError> {
        match &self.source {
            Source::Photo(input) => (**input).clone(),
            Source::Pad if self.pad.is_empty() => Err(PreprocessError::Blank),
            Source::Pad => {
                let image = self.pad.pixels().ok_or(PreprocessError::Blank)?;
                let rgba = image.data();
                preprocess(Bitmap {
                    width: image.width() as usize,
                    height: image.height() as usize,
                    format: PixelFormat::Rgba,
                    pixels: &rgba,
                })
            }
        }
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The position of a pointer event, with sub-pixel precision where the browser has it.
fn client_point(event: &JsValue) -> (f64, f64) {
    let get = |k: &str| {
        js_sys::Reflect::get(event, &k.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    (get("clientX"), get("clientY"))
}

/// The points of a move event, including the ones the browser coalesced into it.
fn move_points(event: &PointerEvent) -> Vec<(f64, f64)> {
    let coalesced = js_sys::Reflect::get(event, &"getCoalescedEvents".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(event).ok())
        .and_then(|a| a.dyn_into::<js_sys::Array>().ok());
    match coalesced {
        Some(events) if events.length() > 0 => events.iter().map(|e| client_point(&e)).collect(),
        _ => vec![client_point(event)],
    }
}

fn listen<E: JsCast + 'static>(
    target: &web_sys::EventTarget,
    kind: &str,
    app: &Shared,
    f: fn(&Shared, E),
) {
    let app = app.clone();
    let closure = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if let Ok(event) = event.dyn_into::<E>() {
            f(&app, event);
        }
    });
    target
        .add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())
        .ok();
    // Listeners live as long as the page.
    closure.forget();
}

fn wire(app: &Shared, document: &Document) -> Result<(), String> {
    let pad: web_sys::EventTarget = app.borrow().pad.canvas().clone().into();
    listen(&pad, "pointerdown", app, |app, e: PointerEvent| {
        if e.pointer_type() == "mouse" && e.button() != 0 {
            return;
        }
        e.prevent_default();
        let started = {
            let mut a = app.borrow_mut();
            let at = a.pad.local(client_point(&e));
            let started = a.pad.begin(e.pointer_id(), at);
            if started {
                a.source = Source::Pad;
                a.pad.canvas().set_pointer_capture(e.pointer_id()).ok();
            }
            started
        };
        if started {
            changed(app);
        }
    });
    listen(&pad, "pointermove", app, |app, e: PointerEvent| {
        let extended = {
            let mut a = app.borrow_mut();
            if !a.pad.is_drawing(e.pointer_id()) {
                return;
            }
            e.prevent_default();
            let points: Vec<_> = move_points(&e)
                .into_iter()
                .map(|p| a.pad.local(p))
                .collect();
            a.pad.extend(e.pointer_id(), &points)
        };
        if extended {
            changed(app);
        }
    });
    for kind in ["pointerup", "pointercancel", "lostpointercapture"] {
        listen(&pad, kind, app, |app, e: PointerEvent| {
            app.borrow_mut().pad.end(e.pointer_id());
        });
    }
    listen(&pad, "dragover", app, |_, e: DragEvent| e.prevent_default());
    listen(&pad, "drop", app, |app, e: DragEvent| {
        e.prevent_default();
        if let Some(file) = e
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            open_photo(app, file);
        }
    });

    let undo: HtmlButtonElement = by_id(document, "undo")?;
    listen(&undo.into(), "click", app, |app, _: Event| {
        let changed_now = {
            let mut a = app.borrow_mut();
            a.source = Source::Pad;
            a.pad.undo()
        };
        if changed_now {
            changed(app);
        }
    });
    let clear: HtmlButtonElement = by_id(document, "clear")?;
    listen(&clear.into(), "click", app, |app, _: Event| {
        {
            let mut a = app.borrow_mut();
            a.source = Source::Pad;
            a.pad.clear();
        }
        changed(app);
    });
    let file: HtmlInputElement = by_id(document, "file")?;
    listen(&file.into(), "change", app, |app, e: Event| {
        let input: Option<HtmlInputElement> = e.target().and_then(|t| t.dyn_into().ok());
        if let Some(input) = input {
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                open_photo(app, file);
            }
            input.set_value("");
        }
    });
    let retry: HtmlButtonElement = by_id(document, "retry")?;
    listen(&retry.into(), "click", app, |_, _: Event| {
        if let Some(w) = web_sys::window() {
            w.location().reload().ok();
        }
    });
    let window: web_sys::EventTarget = web_sys::window().ok_or("no window")?.into();
    listen(&window, "resize", app, |app, _: Event| {
        let resized = app.borrow_mut().pad.fit_to_screen();
        if resized {
            changed(app);
        }
    });
    Ok(())
}

fn open_photo(app: &Shared, file: web_sys::File) {
    let app = app.clone();
    spawn_local(async move {
        match photo::open(&file).await {
            Ok(photo) => {
                {
                    let mut a = app.borrow_mut();
                    let input = preprocess(Bitmap {
                        width: photo.width,
                        height: photo.height,
                        format: PixelFormat::Rgba,
                        pixels: &photo.rgba,
                    });
                    a.pad.show_photo(photo.bitmap);
                    a.source = Source::Photo(Box::new(input));
                }
                changed(&app);
            }
            Err(message) => app.borrow().view.show_nothing(&message),
        }
    });
}
