//! "Look inside": every layer's maps for the drawing (`layers`) and which pixels the answer
//! rests on (`why`).

pub mod layers;
pub mod why;
