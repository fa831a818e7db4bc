//! The live answer: one inference in flight at a time, and the loop ends only once the answer
//! shown is for the latest drawing. A GPU lost mid-answer hands over to the CPU engine.

use mnist_model::{IMAGE_PIXELS, PreprocessError, number, saliency};
use wasm_bindgen_futures::spawn_local;

use crate::app::engines::gpu_lost;
use crate::app::state::Shared;
use crate::app::why;
use crate::clock::now;
use crate::engine::{Answer, Backend, Engine};
use crate::inside::why::Method;

/// Occluded copies per forward pass of "why?": a stop to check for a new drawing in between.
const WHY_BATCH: usize = 43;

/// Records a change of what is to be recognised and makes sure an answer will follow.
pub fn changed(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        a.generation += 1;
        a.view.set_busy(true);
    }
    schedule(app);
}

/// A stroke ended: its answer is announced once it has settled (now, if it has).
pub fn stroke_ended(app: &Shared) {
    let a = app.borrow();
    if !a.in_flight {
        a.view.announce();
    }
}

/// Starts the recognition loop unless it is running.
pub fn schedule(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        if a.in_flight || a.engines.active.is_none() {
            return;
        }
        a.in_flight = true;
    }
    let app = app.clone();
    spawn_local(async move {
        loop {
            let prepare_started = now();
            let (generation, reading, engine, inside) = {
                let a = app.borrow();
                let engine = a.engines.active.clone().expect("checked before the loop");
                (a.generation, a.reading(), engine, a.view.layers.is_open())
            };
            let prepare_ms = now() - prepare_started;
            // The first digit and its answer, when "why?" is on and the drawing is unchanged.
            let mut explain = None;
            match &reading.digits {
                Err(PreprocessError::Blank) => app.borrow().view.show_nothing("Draw a digit"),
                Err(e) => app
                    .borrow()
                    .view
                    .show_nothing(&format!("Cannot read this image: {e}")),
                Ok(digits) => {
                    let started = now();
                    // Touching digits are read whole and cut, in the same pass.
                    let inputs = number::inputs(digits);
                    let wants_kernels = inside && !app.borrow().view.layers.has_kernels();
                    if wants_kernels && let Ok(kernels) = engine.conv1_kernels().await {
                        app.borrow().view.layers.set_kernels(kernels);
                    }
                    // Every digit of a number in one forward pass; the layers of the first
                    // input (the first digit, read whole) only while the panel is open.
                    let answer = if inside {
                        engine
                            .classify_all_with_layers(&inputs)
                            .await
                            .map(|(outputs, maps)| (outputs, Some(maps)))
                    } else {
                        engine.classify_all(&inputs).await.map(|o| (o, None))
                    };
                    match answer {
                        Ok((outputs, maps)) => {
                            let model_ms = now() - started;
                            let a = app.borrow();
                            if let (Some(maps), Some(first)) = (maps, outputs.first()) {
                                a.view.layers.show(&inputs[0], &maps, first);
                            }
                            let (digits, outputs): (Vec<_>, Vec<_>) =
                                number::settle(digits, &outputs, |o| {
                                    let verdict = o.verdict();
                                    (verdict.sure, verdict.confidence)
                                })
                                .into_iter()
                                .unzip();
                            a.view.show(&outputs, &digits, reading.frame);
                            if a.view.why.is_on() && a.generation == generation {
                                explain = outputs.first().map(|o| (digits[0].input, o.clone()));
                            }
                            a.view.set_timing(prepare_ms, model_ms);
                            a.view.set_status(&format!(
                                "Answering on {} · {:.0} ms",
                                a.engines.label,
                                prepare_ms + model_ms
                            ));
                        }
                        Err(_) if engine.lost_its_worker() => {
                            // The page loads its own engines and answers again when they are in.
                            app.borrow_mut().in_flight = false;
                            return;
                        }
                        Err(message) if engine.backend == Backend::WebGpu => {
                            // Carry on on the CPU and answer the same drawing again.
                            gpu_lost(&app, &message);
                            continue;
                        }
                        Err(message) => app.borrow().view.show_nothing(&message),
                    }
                }
            }
            if let Some((input, answer)) = explain {
                let digit = answer.verdict().digit;
                if !why::request(&app, generation, &input, digit, engine.backend) {
                    occlusion(&app, &engine, generation, &input, &answer).await;
                }
            }
            let mut a = app.borrow_mut();
            if a.generation == generation {
                a.in_flight = false;
                a.view.set_busy(false);
                if !a.pad.in_stroke() {
                    a.view.announce();
                }
                break;
            }
        }
    });
}

/// Shows which pixels `answer` rests on: the input with small squares blanked, a few dozen
/// copies at a time, given up as soon as the drawing changes (so that drawing on with "why?"
/// on is answered as quickly as without it).
async fn occlusion(
    app: &Shared,
    engine: &Engine,
    generation: u64,
    input: &[f32; IMAGE_PIXELS],
    answer: &Answer,
) {
    let winner = answer.verdict().digit;
    let copies = saliency::occluded(input);
    let mut logits = Vec::with_capacity(copies.len());
    for chunk in copies.chunks(WHY_BATCH) {
        if app.borrow().generation != generation {
            return;
        }
        match engine.classify_all(chunk).await {
            Ok(outputs) => logits.extend(outputs.iter().map(|o| o.logits[winner])),
            Err(_) => {
                app.borrow().view.why.clear();
                return;
            }
        }
    }
    let scores = saliency::scores(answer.logits[winner], &logits);
    app.borrow().view.why.show(&scores, Method::Occlusion);
}
