//! Files built into the binary.

/// DejaVu Sans (its licence is beside it): the chart's text, and the letters `calibrate` shows
/// the network.
pub const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Real writers' digits outside MNIST (`mnist_model::handwriting`; sources and licence in the
/// README beside them).
pub const OPTDIGITS: &[u8] = include_bytes!("../assets/handwriting/optdigits-orig.tra.gz");
pub const SEMEION: &[u8] = include_bytes!("../assets/handwriting/semeion.data.gz");
/// Real writers' pen movements (`trajectories`; source and licence in the same README).
pub const PENDIGITS: &[u8] = include_bytes!("../assets/handwriting/pendigits.tra.gz");
