//! The native half of the product: MNIST data, training with Burn, evaluation, prediction and
//! the export of the weights the browser app loads. The `trainer` binary is a thin CLI on top.

pub mod atomic;
pub mod augment;
pub mod backend;
pub mod bench;
pub mod checkpoint;
pub mod evaluate;
pub mod export;
pub mod fetch;
pub mod idx;
pub mod memory;
pub mod mnist;
pub mod predict;
pub mod report;
pub mod train;
