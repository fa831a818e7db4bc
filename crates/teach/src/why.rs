//! "Why this answer?" by gradient: the page's current weights file, kept between requests and
//! loaded on the device of the page's engine (again when that changes), and each request's
//! input differentiated for its answer.

use std::cell::RefCell;

use mnist_browser::Backend;
use mnist_model::{Cnn, IMAGE_PIXELS, NUM_CLASSES, saliency, weights};

use mnist_model::readback::floats;

use crate::job::device;

/// The weights file the page answers with, and the network from it on the last request's
/// device.
struct Current {
    file: Vec<u8>,
    model: Option<(Cnn, Backend)>,
}

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
}

/// The gradient saliency of `input` for `digit` on `backend`'s device; `weights` come
/// whenever the page's weights changed.
pub async fn run(
    input: &[f32],
    digit: u32,
    backend: Backend,
    weights: Option<Vec<u8>>,
) -> Result<Vec<f32>, String> {
    let input: &[f32; IMAGE_PIXELS] = input
        .try_into()
        .map_err(|_| format!("the request's input is {} values, not 784", input.len()))?;
    let digit = usize::try_from(digit)
        .ok()
        .filter(|&d| d < NUM_CLASSES)
        .ok_or_else(|| format!("{digit} is not a digit"))?;
    let (device, backend) = device(backend).await;
    if let Some(file) = weights {
        CURRENT.with(|c| *c.borrow_mut() = Some(Current { file, model: None }));
    }
    let scores = CURRENT.with(|c| {
        let mut current = c.borrow_mut();
        let current = current.as_mut().ok_or("the worker has no weights yet")?;
        // The page moved to another engine since: the same weights on its device.
        if current.model.as_ref().is_none_or(|(_, b)| *b != backend) {
            let (model, _) = weights::decode(&current.file, &device).map_err(|e| e.to_string())?;
            current.model = Some((model, backend));
        }
        let (model, _) = current.model.as_ref().expect("loaded above");
        Ok::<_, String>(saliency::gradient(model, input, digit, &device))
    })?;
    floats(scores).await
}
