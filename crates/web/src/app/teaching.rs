//! Teaching the page one person's handwriting: the digits they correct are kept as examples,
//! and adapting has the teaching worker (crates/teach) fine-tune the network's output layer on
//! them, on the kind of device the page answers on, mixed with replayed MNIST digits. The
//! result is a weights file like the shipped one, which then answers on every engine, is kept
//! on the device, and can be downloaded for `trainer eval`. The worker's replies arrive through
//! `replies`.

use std::rc::Rc;

use mnist_model::PreprocessError;
use mnist_model::personal::{Example, encode_examples};
use wasm_bindgen_futures::spawn_local;

use crate::app::engines::{load_engine, use_engine};
use crate::app::recognise::changed;
use crate::app::state::Shared;
use crate::clock::pause;
use crate::engine::Backend;
use crate::teach::AdaptState;
use crate::teach::saved_weights;

/// How many times each digit the guided mode asks for.
const GUIDED_TIMES: usize = 3;

/// Keeps what is on the pad (or the opened image) as an example of `label`.
pub fn teach(app: &Shared, label: u8) {
    let reading = app.borrow().reading();
    let input = match reading.digits {
        Ok(digits) if digits.len() == 1 => digits[0].input,
        Ok(digits) if digits.len() > 1 => {
            let n = digits.len();
            return say(
                app,
                &format!("Teach one digit at a time: this is {n} digits."),
            );
        }
        Ok(_) | Err(PreprocessError::Blank) => {
            return say(app, "Draw the digit first, then say what it is.");
        }
        Err(e) => return say(app, &format!("This cannot be taught: {e}.")),
    };
    let added = app
        .borrow_mut()
        .teaching
        .examples
        .add(Example { input, label });
    if let Err(message) = added {
        return say(app, &message);
    }
    // The guided mode moves on when the digit it asked for was taught.
    let guided = {
        let mut a = app.borrow_mut();
        let next = a
            .teaching
            .guide
            .filter(|&asked| asked / GUIDED_TIMES == usize::from(label))
            .map(|asked| asked + 1);
        if let Some(next) = next {
            a.teaching.guide = (next < 10 * GUIDED_TIMES).then_some(next);
        }
        next
    };
    refresh(app);
    let (count, same, kept) = {
        let a = app.borrow();
        let list = &a.teaching.examples.list;
        let same = list.iter().filter(|e| e.label == label).count();
        (list.len(), same, a.teaching.examples.kept)
    };
    let mut message = format!("Kept as a {label} — examples of {label}: {same}, in all: {count}.");
    if !kept {
        message.push_str(" This browser cannot store them, so they last this visit.");
    }
    match guided {
        Some(asked) => {
            app.borrow_mut().pad.clear();
            changed(app);
            message.push(' ');
            message.push_str(&guide_prompt(app, asked));
        }
        None => match app.borrow().teaching.guide {
            // Still guided: it asks again for the digit it wants.
            Some(asked) => {
                message.push(' ');
                message.push_str(&guide_prompt(app, asked));
            }
            None => message.push_str(" Adapt when you have taught what it misreads."),
        },
    }
    say(app, &message);
}

/// Starts (or stops) the guided mode: each digit asked for [`GUIDED_TIMES`] times.
pub fn toggle_guide(app: &Shared) {
    let start = app.borrow().teaching.guide.is_none();
    app.borrow_mut().teaching.guide = start.then_some(0);
    app.borrow().view.teach.set_guiding(start);
    let message = if start {
        guide_prompt(app, 0)
    } else {
        "Guided mode stopped.".to_string()
    };
    say(app, &message);
}

/// What the guided mode asks for after `asked` examples.
fn guide_prompt(app: &Shared, asked: usize) -> String {
    if asked >= 10 * GUIDED_TIMES {
        app.borrow().view.teach.set_guiding(false);
        return "That is every digit three times: now press Adapt.".to_string();
    }
    let digit = asked / GUIDED_TIMES;
    let time = asked % GUIDED_TIMES + 1;
    format!(
        "Write a {digit} ({time} of {GUIDED_TIMES}, bigger or smaller, anywhere on the pad), \
         then press {digit} under the answer."
    )
}

pub fn delete(app: &Shared, index: usize) {
    app.borrow_mut().teaching.examples.remove(index);
    refresh(app);
}

pub fn delete_all(app: &Shared) {
    app.borrow_mut().teaching.examples.clear();
    refresh(app);
    say(app, "Every example deleted.");
}

/// Which teaching buttons can be pressed now.
fn set_buttons(app: &Shared) {
    let a = app.borrow();
    a.view
        .teach
        .set_buttons(a.teaching.examples.list.len(), a.teaching.running);
}

/// Shows the examples and what can be done with them.
pub fn refresh(app: &Shared) {
    let a = app.borrow();
    a.view
        .teach
        .show_examples(&a.teaching.examples.list, a.teaching.running);
}

fn say(app: &Shared, message: &str) {
    app.borrow().view.teach.say(message);
}

/// Adapts the network to the examples, unless it is already at it.
pub fn start(app: &Shared) {
    let job = {
        let mut a = app.borrow_mut();
        if a.teaching.running || a.teaching.examples.list.is_empty() {
            return;
        }
        let Some(shipped) = a.teaching.shipped.clone() else {
            return;
        };
        a.teaching.running = true;
        a.teaching.job += 1;
        a.view.teach.set_state(AdaptState::Running);
        a.view.teach.progress(0, 0, None);
        let backend = a.engines.active_backend();
        let examples = encode_examples(&a.teaching.examples.list);
        (a.teaching.job, shipped, examples, backend)
    };
    set_buttons(app);
    let (job, shipped, examples, backend) = job;
    let sent = app
        .borrow_mut()
        .teaching
        .worker()
        .and_then(|w| w.adapt(job, &shipped, &examples, backend));
    if let Err(e) = sent {
        finished(app);
        fail(app, &format!("The teaching worker could not start: {e}."));
    }
}

/// How far adapting has got.
pub fn progress(app: &Shared, step: u32, steps: u32, loss: Option<f32>) {
    app.borrow()
        .view
        .teach
        .progress(step as usize, steps as usize, loss);
}

/// Adapting failed with `message`; the model is as it was.
pub fn failed(app: &Shared, message: &str) {
    if app.borrow().teaching.running {
        finished(app);
        fail(app, message);
    }
}

/// Adapting finished with `weights`, in `ms` on `backend`: they answer from now on.
pub fn adapted(app: &Shared, weights: Vec<u8>, ms: f64, backend: Backend) {
    finished(app);
    app.borrow().view.teach.set_time(ms, backend.id());
    let app = app.clone();
    spawn_local(async move { adopt(&app, Rc::new(weights)).await });
}

fn finished(app: &Shared) {
    app.borrow_mut().teaching.running = false;
    set_buttons(app);
}

/// Makes freshly adapted weights answer, and keeps them if the browser can.
async fn adopt(app: &Shared, bytes: Rc<Vec<u8>>) {
    // Loading the weights is a task of its own, after the worker's message has been handled.
    pause().await;
    let count = app.borrow().teaching.examples.list.len();
    if let Err(e) = install(app, bytes.clone(), true).await {
        return fail(app, &format!("The adapted model could not be loaded: {e}."));
    }
    app.borrow().view.teach.set_state(AdaptState::Done);
    let kept = match saved_weights::save(&bytes).await {
        Ok(()) => String::new(),
        Err(e) => format!(
            " This browser cannot keep it ({e}), so it answers for this visit only: \
             download it to keep it."
        ),
    };
    say(
        app,
        &format!(
            "Adapted to your {count} example{}.{kept}",
            if count == 1 { "" } else { "s" }
        ),
    );
}

/// Stops adapting at once; the model stays as it was.
pub fn cancel(app: &Shared) {
    if !app.borrow().teaching.running {
        return;
    }
    app.borrow_mut().teaching.stop_worker();
    finished(app);
    app.borrow().view.teach.set_state(AdaptState::Idle);
    say(app, "Adapting cancelled: the model is as it was.");
}

fn fail(app: &Shared, message: &str) {
    app.borrow().view.teach.set_state(AdaptState::Error);
    say(app, message);
}

/// Makes `bytes` (checked weights) the weights that answer, on every engine the page has.
pub async fn install(app: &Shared, bytes: Rc<Vec<u8>>, personal: bool) -> Result<(), String> {
    let (had_gpu, active) = {
        let a = app.borrow();
        (
            a.engines.gpu.is_some(),
            a.engines.active.as_ref().map(|e| e.backend),
        )
    };
    // A turn of the event loop between the engines: a load on the page's thread holds it.
    let cpu = load_engine(app, &bytes, Backend::Cpu).await?;
    pause().await;
    let gpu = match had_gpu {
        true => Some(load_engine(app, &bytes, Backend::WebGpu).await?),
        false => None,
    };
    let (answering, label) = {
        let mut a = app.borrow_mut();
        a.engines.cpu = Some(cpu.clone());
        if gpu.is_some() {
            a.engines.gpu = gpu.clone();
        }
        a.teaching.personal = personal.then(|| bytes.clone());
        a.view.set_model_info(&cpu.info);
        a.view.teach.set_model(personal.then(|| bytes.as_slice()));
        let answering = match (active, gpu) {
            (Some(Backend::WebGpu), Some(gpu)) => gpu,
            _ => cpu,
        };
        (answering, a.engines.label.clone())
    };
    use_engine(app, answering, label);
    changed(app);
    Ok(())
}

/// Back to the shipped weights, forgetting the personal ones.
pub fn reset(app: &Shared) {
    let Some(shipped) = app.borrow().teaching.shipped.clone() else {
        return;
    };
    let app = app.clone();
    spawn_local(async move {
        saved_weights::delete().await.ok();
        match install(&app, shipped, false).await {
            Ok(()) => {
                app.borrow().view.teach.set_state(AdaptState::Idle);
                say(
                    &app,
                    "The shipped weights answer again; your examples are still here.",
                );
            }
            Err(e) => fail(
                &app,
                &format!("The shipped weights could not be loaded: {e}."),
            ),
        }
    });
}
