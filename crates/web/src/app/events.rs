//! The page's events: pointer strokes on the pad, undo and clear (by button or key), opened
//! or dropped photos, retry after an error, resizing, the "look inside" panel and the report
//! card, digit keys; the
//! teaching area's in `teach_events`, the training panel's in `train_events`. Each one changes the app and asks for a new answer.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    Document, DragEvent, Element, Event, HtmlButtonElement, HtmlInputElement, HtmlSelectElement,
    KeyboardEvent, PointerEvent,
};

use mnist_model::{Bitmap, PixelFormat};

use crate::app::recognise::{changed, stroke_ended};
use crate::app::state::{Reading, Shared, Source};
use crate::app::{engine_choice, report_card, teach_events, teaching, train_events};
use crate::dom::{by_id, listen};
use crate::engine::preference::Preference;
use crate::pad::photo;

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

/// Connects every control of the page to the app.
pub fn wire(app: &Shared, document: &Document) -> Result<(), String> {
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
            let ended = app.borrow_mut().pad.end(e.pointer_id());
            if ended {
                stroke_ended(app);
            }
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

    let undo_button: HtmlButtonElement = by_id(document, "undo")?;
    listen(&undo_button.into(), "click", app, |app, _: Event| undo(app));
    let clear_button: HtmlButtonElement = by_id(document, "clear")?;
    listen(&clear_button.into(), "click", app, |app, _: Event| {
        clear(app)
    });
    let doc: web_sys::EventTarget = document.clone().into();
    listen(&doc, "keydown", app, key);
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
    let why: HtmlButtonElement = by_id(document, "why")?;
    listen(&why.into(), "click", app, |app, _: Event| {
        app.borrow().view.why.toggle();
        changed(app);
    });
    let run: HtmlButtonElement = by_id(document, "run-test-set")?;
    listen(&run.into(), "click", app, |app, _: Event| {
        report_card::start(app)
    });
    let stop: HtmlButtonElement = by_id(document, "stop-test-set")?;
    listen(&stop.into(), "click", app, |app, _: Event| {
        report_card::stop(app)
    });
    let confusion: web_sys::EventTarget = by_id::<Element>(document, "confusion")?.into();
    listen(&confusion, "click", app, |app, e: Event| {
        let cell = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("button[data-truth]").ok().flatten());
        let digit = |name| {
            cell.as_ref()
                .and_then(|c| c.get_attribute(name))
                .and_then(|v| v.parse().ok())
        };
        if let (Some(truth), Some(answer)) = (digit("data-truth"), digit("data-answer")) {
            report_card::open_cell(app, truth, answer);
        }
    });
    // Opening the "look inside" panel fills it from a fresh answer.
    let inside: web_sys::EventTarget = by_id::<Element>(document, "inside")?.into();
    listen(&inside, "toggle", app, |app, _: Event| {
        if app.borrow().view.layers.is_open() {
            changed(app);
        }
    });
    // Pointing at, tapping or tabbing to a map enlarges it.
    let layers: web_sys::EventTarget = by_id::<Element>(document, "layers")?.into();
    for kind in ["pointerover", "click", "focusin"] {
        listen(&layers, kind, app, |app, e: Event| {
            let map = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .filter(|el| el.has_attribute("data-index"));
            let layer = map
                .as_ref()
                .and_then(|m| m.closest("[data-layer]").ok().flatten())
                .and_then(|s| s.get_attribute("data-layer"));
            let index = map
                .and_then(|m| m.get_attribute("data-index"))
                .and_then(|i| i.parse().ok());
            if let (Some(layer), Some(index)) = (layer, index) {
                app.borrow().view.layers.focus(&layer, index);
            }
        });
    }
    let engine: web_sys::EventTarget = by_id::<HtmlSelectElement>(document, "engine")?.into();
    listen(&engine, "change", app, |app, e: Event| {
        let chosen = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .and_then(|s| Preference::parse(&s.value()));
        if let Some(preference) = chosen {
            preference.store();
            app.borrow_mut().engines.preference = preference;
            let app = app.clone();
            spawn_local(async move { engine_choice::apply(&app).await });
        }
    });
    // Back from the background, conditions may have changed (power saving, another tab on
    // the GPU): time the engines again.
    listen(&doc, "visibilitychange", app, |app, _: Event| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible && app.borrow().engines.preference == Preference::Auto {
            let app = app.clone();
            spawn_local(async move { engine_choice::apply(&app).await });
        }
    });
    teach_events::wire(app, document)?;
    train_events::wire(app, document)?;
    let window: web_sys::EventTarget = web_sys::window().ok_or("no window")?.into();
    listen(&window, "resize", app, |app, _: Event| {
        let resized = app.borrow_mut().pad.fit_to_screen();
        if resized {
            changed(app);
        }
    });
    Ok(())
}

fn undo(app: &Shared) {
    let changed_now = {
        let mut a = app.borrow_mut();
        a.source = Source::Pad;
        a.pad.undo()
    };
    if changed_now {
        changed(app);
    }
}

fn clear(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        a.source = Source::Pad;
        a.pad.clear();
    }
    changed(app);
}

/// The page's keys: Ctrl/⌘+Z undoes a stroke, Escape clears the pad, a digit key says what
/// the drawing really is (as the teach buttons do). Not while typing in a form field, and
/// Escape not while a menu or a panel could want it.
fn key(app: &Shared, e: KeyboardEvent) {
    let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
    let in_field = target
        .as_ref()
        .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
    if in_field || e.alt_key() || e.default_prevented() {
        return;
    }
    let key = e.key();
    let command = e.ctrl_key() || e.meta_key();
    match key.as_str() {
        "z" | "Z" if command && !e.shift_key() => {
            e.prevent_default();
            undo(app);
        }
        "Escape" if !command => clear(app),
        digit if !command && digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => {
            e.prevent_default();
            teaching::teach(app, digit.as_bytes()[0] - b'0');
        }
        _ => {}
    }
}

fn open_photo(app: &Shared, file: web_sys::File) {
    let app = app.clone();
    spawn_local(async move {
        match photo::open(&file).await {
            Ok(photo) => {
                {
                    let mut a = app.borrow_mut();
                    let reading = Reading::of(Bitmap {
                        width: photo.width,
                        height: photo.height,
                        format: PixelFormat::Rgba,
                        pixels: &photo.rgba,
                    });
                    a.pad.show_photo(photo.bitmap);
                    a.source = Source::Photo(Box::new(reading));
                }
                changed(&app);
            }
            Err(message) => app.borrow().view.show_nothing(&message),
        }
    });
}
