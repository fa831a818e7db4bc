//! Files built into the binary.

/// DejaVu Sans (its licence is beside it): the chart's text, and the letters `calibrate` shows
/// the network.
pub const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
