//! The teaching area's events: a teach button per digit, the guided mode, deleting examples,
//! adapting and cancelling, going back to the shipped weights.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlButtonElement};

use crate::app::state::Shared;
use crate::app::teaching;
use crate::dom::{by_id, listen};

/// The `data-*` number on the element an event came from, or on the nearest one above it.
fn number_on(e: &Event, attribute: &str) -> Option<usize> {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest(&format!("[{attribute}]")).ok().flatten())
        .and_then(|el| el.get_attribute(attribute))
        .and_then(|v| v.parse().ok())
}

pub fn wire(app: &Shared, document: &Document) -> Result<(), String> {
    let buttons: Vec<HtmlButtonElement> = app.borrow().view.teach.teach_buttons().to_vec();
    for button in buttons {
        listen(&button.into(), "click", app, |app, e: Event| {
            if let Some(digit) = number_on(&e, "data-teach").filter(|d| *d <= 9) {
                teaching::teach(app, digit as u8);
            }
        });
    }
    let examples: web_sys::EventTarget = by_id::<Element>(document, "examples")?.into();
    listen(&examples, "click", app, |app, e: Event| {
        if let Some(index) = number_on(&e, "data-delete") {
            teaching::delete(app, index);
        }
    });
    let button = |id| by_id::<HtmlButtonElement>(document, id).map(web_sys::EventTarget::from);
    listen(&button("guide")?, "click", app, |app, _: Event| {
        teaching::toggle_guide(app)
    });
    listen(&button("adapt")?, "click", app, |app, _: Event| {
        teaching::start(app)
    });
    listen(&button("cancel-adapt")?, "click", app, |app, _: Event| {
        teaching::cancel(app)
    });
    listen(&button("clear-examples")?, "click", app, |app, _: Event| {
        teaching::delete_all(app)
    });
    listen(&button("reset-model")?, "click", app, |app, _: Event| {
        teaching::reset(app)
    });
    Ok(())
}
