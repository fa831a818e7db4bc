//! The seed's own-handwriting test: image files through the shared `preprocess` to the model.

use std::path::Path;

use anyhow::{Context, Result};
use burn::tensor::Device;
use mnist_model::{Bitmap, Cnn, IMAGE_PIXELS, NUM_CLASSES, PixelFormat, preprocess};
use serde::Serialize;

/// Images wider or taller than this are refused before decoding.
pub const MAX_SIDE: u32 = 12_000;
/// The decoder may allocate at most this much, so a decompression bomb fails cleanly.
pub const MAX_DECODE_BYTES: u64 = 512 << 20;

/// The answer for one image.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub digit: usize,
    pub confidence: f32,
    /// The three most likely digits with their probabilities, most likely first.
    pub top3: Vec<(usize, f32)>,
}

impl Prediction {
    pub fn from_probabilities(probabilities: &[f32]) -> Self {
        let mut ranked: Vec<(usize, f32)> = probabilities.iter().copied().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked.truncate(3);
        Self {
            digit: ranked[0].0,
            confidence: ranked[0].1,
            top3: ranked,
        }
    }
}

/// Decodes a PNG or JPEG file (within size limits) and preprocesses it into a model input.
pub fn load_input(path: &Path) -> Result<[f32; IMAGE_PIXELS]> {
    let mut reader = image::ImageReader::open(path)
        .with_context(|| format!("cannot open {}", path.display()))?
        .with_guessed_format()
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader
        .decode()
        .with_context(|| format!("{} is not a readable PNG or JPEG image", path.display()))?
        .to_rgba8();
    let bitmap = Bitmap {
        width: image.width() as usize,
        height: image.height() as usize,
        format: PixelFormat::Rgba,
        pixels: image.as_raw(),
    };
    preprocess(bitmap).with_context(|| format!("{}", path.display()))
}

/// Classifies preprocessed inputs in one batch.
pub fn predict(model: &Cnn, inputs: &[[f32; IMAGE_PIXELS]], device: &Device) -> Vec<Prediction> {
    if inputs.is_empty() {
        return Vec::new();
    }
    let (_, probabilities) = model.classify(inputs, device);
    probabilities
        .into_data()
        .try_to_vec::<f32>()
        .expect("f32 probabilities")
        .chunks(NUM_CLASSES)
        .map(Prediction::from_probabilities)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_the_top_three() {
        let p =
            Prediction::from_probabilities(&[0.0, 0.1, 0.05, 0.6, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0]);
        assert_eq!(p.digit, 3);
        assert_eq!(
            p.top3.iter().map(|t| t.0).collect::<Vec<_>>(),
            vec![3, 8, 1]
        );
    }

    #[test]
    fn unreadable_files_get_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.png");
        std::fs::write(&path, b"this is not a PNG").unwrap();
        let err = format!("{:#}", load_input(&path).unwrap_err());
        assert!(err.contains("not a readable PNG or JPEG"), "{err}");
        let missing = format!(
            "{:#}",
            load_input(&dir.path().join("gone.png")).unwrap_err()
        );
        assert!(missing.contains("cannot open"), "{missing}");
    }
}
