//! The "Train it yourself" panel's events: start, pause or resume, stop, and answering with
//! the trained network.

use web_sys::{Document, Event, HtmlButtonElement};

use crate::app::state::Shared;
use crate::app::training;
use crate::dom::{by_id, listen};

pub fn wire(app: &Shared, document: &Document) -> Result<(), String> {
    let button = |id| by_id::<HtmlButtonElement>(document, id).map(web_sys::EventTarget::from);
    listen(&button("train-start")?, "click", app, |app, _: Event| {
        training::start(app)
    });
    listen(&button("train-pause")?, "click", app, |app, _: Event| {
        training::toggle_pause(app)
    });
    listen(&button("train-stop")?, "click", app, |app, _: Event| {
        training::stop(app)
    });
    listen(&button("train-use")?, "click", app, |app, _: Event| {
        training::use_model(app)
    });
    Ok(())
}
