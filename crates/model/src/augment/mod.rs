//! The random changes training makes to its digits, shared by the trainer and the page's
//! fine-tuning so that both augment alike:
//!
//! - [`affine`]: rotation, scale, stretch, shear, shift and stroke weight, as Burn tensor ops on
//!   the device of the images;
//! - [`pen`]: digits redrawn as the pad draws them (thinned to a skeleton, drawn again with a
//!   round pen of random width), some in writing styles MNIST lacks ([`styles`]);
//! - [`elastic`]: strokes bent by a smooth random field, as a hand wavers;
//! - [`outliers`]: non-digits (curves, turned and mirrored digits) for the network to learn
//!   that they are none of its ten answers.

pub mod affine;
pub mod blur;
pub mod elastic;
pub mod ends;
pub mod loops;
pub mod outliers;
pub mod pen;
pub mod skeleton;
pub mod solid;
pub mod styles;
pub mod trace;

pub use affine::Augmentation;
pub use elastic::Elastic;
pub use outliers::Outliers;
pub use pen::PenAugmentation;
pub use styles::Style;
