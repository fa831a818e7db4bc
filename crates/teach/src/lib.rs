//! The page's teaching worker: a Web Worker holding its own copy of the shared Burn model that
//! fine-tunes it on the user's examples (`mnist_model::adapt`) and hands back a weights file.
//! A separate wasm, fetched only when the user first adapts, because Burn's autodiff and
//! optimisers would otherwise weigh on every visit; a worker, so that drawing never waits.
//!
//! It also computes "Why this answer?" by gradient (`mnist_model::saliency::gradient`), which
//! needs the same autodiff, and, in a second worker of its own, trains the whole network from
//! random weights for the "Train it yourself" panel (`train`).
//!
//! Its messages are `mnist_browser::messages::{TeachRequest, TeachReply}`.

mod job;
mod train;
mod why;

use mnist_browser::messages::{TeachReply, TeachRequest, decode};
use mnist_browser::{listen_to_page, post_to_page};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn main() {
    mnist_browser::run_constructors();
    console_error_panic_hook::set_once();
    listen_to_page(handle);
    post_to_page(&TeachReply::Ready);
}

/// Answers one request from the page.
async fn handle(data: JsValue) {
    let reply = match decode::<TeachRequest>(data) {
        Err(message) => TeachReply::Unreadable { message },
        Ok(TeachRequest::Why {
            id,
            input,
            digit,
            backend,
            weights,
        }) => match why::run(&input, digit, backend, weights).await {
            Ok(scores) => TeachReply::Why { id, scores },
            Err(message) => TeachReply::WhyFailed { id, message },
        },
        Ok(TeachRequest::Adapt {
            job,
            weights,
            examples,
            backend,
        }) => {
            let done = match job::Request::new(job, weights, &examples, backend) {
                Ok(request) => job::run(request, post_to_page).await,
                Err(message) => Err(message),
            };
            done.unwrap_or_else(|message| TeachReply::Failed { job, message })
        }
        Ok(TeachRequest::Train(request)) => {
            let job = request.job;
            train::run(request, post_to_page)
                .await
                .unwrap_or_else(|message| TeachReply::TrainFailed { job, message })
        }
        Ok(TeachRequest::Control { job, action }) => return train::control(job, action),
    };
    post_to_page(&reply);
}
