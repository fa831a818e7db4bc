//! The single source of truth shared by the native trainer and the browser app:
//!
//! - [`network`]: the seed CNN (Keras/TensorFlow MNIST tutorial, LeNet-5 lineage);
//! - [`preprocess`]: any bitmap (canvas, photo) to the 28×28 input the way MNIST was made;
//! - [`weights`]: the burnpack weights format with architecture metadata and a checksum;
//! - [`idx`]: MNIST's IDX format, from bytes (the trainer's files, the page's test set);
//! - [`handwriting`]: real writers' digits outside MNIST (optdigits, semeion), to train and measure on;
//! - [`image_file`]: the size limits for image files, checked from their headers;
//! - [`calibration`]: honest confidence (temperature scaling, "not sure");
//! - [`recogniser`]: the one answer path, from a weights file to calibrated answers;
//! - [`novelty`]: whether an input is like any digit at all (letters, scribbles);
//! - [`segment`]: a written number split into its digits, each preprocessed alike;
//! - [`strokes`]: the same from pen strokes, each digit drawn again with a pen in proportion;
//! - [`saliency`]: why an answer, by occlusion;
//! - [`adapt`]: fine-tuning the output layer on one person's digits (the page's teaching;
//!   feature `autodiff`, which the page's own build leaves out);
//! - [`personal`]: the taught examples as bytes, and the adapted network as a weights file;
//! - [`augment`]: the random transformations training applies to its images;
//! - [`training`]: one training step of the whole network, and the seed's recipe (feature
//!   `autodiff`), for the trainer and for training in the page;
//! - [`readback`]: values read back from a device without blocking (what a browser needs);
//!
//! It computes on whatever Burn device it is handed and reads no files: loading and saving
//! belong to the trainer and the page.

#[cfg(feature = "autodiff")]
pub mod adapt;
pub mod augment;
pub mod calibration;
mod cut;
pub mod handwriting;
pub mod idx;
pub mod image_file;
pub mod network;
pub mod novelty;
pub mod number;
pub mod personal;
pub mod preprocess;
pub mod readback;
pub mod recogniser;
pub mod saliency;
pub mod segment;
pub mod strokes;
#[cfg(feature = "autodiff")]
pub mod training;
pub mod weights;

pub use network::{Cnn, IMAGE_PIXELS, IMAGE_SIDE, Layers, NUM_CLASSES, PARAMETERS};
pub use preprocess::{Bitmap, PixelFormat, PreprocessError, preprocess};
pub use segment::{Bounds, Digit, segment};
pub use strokes::{Stroke, segment_strokes};
pub use weights::{Precision, WeightsError, WeightsInfo};
