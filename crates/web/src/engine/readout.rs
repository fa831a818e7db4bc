//! What one forward pass reads back, as the engine worker sends it and the engine reads it.

/// What every layer made of one input, flattened map by map (channels, then rows), after ReLU.
#[derive(Debug, Clone)]
pub struct LayerMaps {
    pub conv1: Vec<f32>,
    pub pool1: Vec<f32>,
    pub conv2: Vec<f32>,
    pub pool2: Vec<f32>,
    pub dense: Vec<f32>,
}

/// The values one forward pass reads back, as parts of the given lengths: the answers (ten
/// logits, ten probabilities and the novelty score per input), then, when asked for, the
/// first input's layers. What the engine worker sends back.
#[derive(Debug, Clone, Default)]
pub struct Readout {
    pub values: Vec<f32>,
    pub lengths: Vec<usize>,
}
