//! The native half of the product: MNIST data, training with Burn, evaluation, prediction and
//! the export of the weights the browser app loads. The `trainer` binary is a thin CLI on top.
//!
//! Modules build on each other in one direction only: `run`, `backend`, `hash`, `atomic`,
//! `assets` and `idx` are leaves; `mnist` reads the data; `step` is one optimiser step; `train`
//! drives a run and uses `checkpoint` and `report`; `calibrate` (with `probes`) fits the
//! confidence; `export` writes what a run produced.

pub mod assets;
pub mod atomic;
pub mod backend;
pub mod bench;
pub mod blend;
pub mod calibrate;
pub mod checkpoint;
pub mod curves;
pub mod evaluate;
pub mod export;
pub mod fetch;
pub mod hash;
pub mod heldout;
pub mod idx;
pub mod lettering;
pub mod logits;
pub mod memory;
pub mod misses;
pub mod mnist;
pub mod paired;
pub mod pen_digits;
pub mod predict;
pub mod probes;
pub mod recipe;
pub mod replay;
pub mod run;
pub mod samples;
pub mod step;
pub mod train;
pub mod trajectories;
pub mod verdicts;
pub mod weights_file;
pub mod writers;
