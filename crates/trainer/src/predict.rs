//! `trainer predict`, the seed's own-handwriting test: image files through the shared
//! `preprocess` (or, with `--number`, the shared `segment`) to the model, one answer (or one
//! reason there is none) per file.

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};
use burn::tensor::Device;
use image::ImageDecoder;
use mnist_model::calibration::{Verdict, probabilities};
use mnist_model::image_file;
use mnist_model::number;
use mnist_model::recogniser::Recogniser;
use mnist_model::{
    Bitmap, Bounds, Cnn, IMAGE_PIXELS, NUM_CLASSES, PixelFormat, preprocess, segment,
};
use serde::Serialize;

use crate::logits;

/// The answer for one image.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub digit: usize,
    pub confidence: f32,
    /// The three most likely digits with their probabilities, most likely first.
    pub top3: Vec<(usize, f32)>,
    /// Whether the input lies far from every digit the network knows (a letter, a scribble).
    pub unlike_any_digit: bool,
    /// Whether the top probability is high enough, and the input like a digit, to answer with
    /// one digit; when not, the answer is "not sure: digit or runner-up?".
    pub sure: bool,
}

impl Prediction {
    pub fn from_probabilities(probabilities: &[f32], unlike_any_digit: bool) -> Self {
        let mut ranked: Vec<(usize, f32)> = probabilities.iter().copied().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked.truncate(3);
        let all: [f32; NUM_CLASSES] = std::array::from_fn(|d| probabilities[d]);
        Self {
            digit: ranked[0].0,
            confidence: ranked[0].1,
            top3: ranked,
            unlike_any_digit,
            sure: Verdict::judged(&all, unlike_any_digit).sure,
        }
    }

    /// "7", or "not sure: 4 or 9?", or "not sure: a digit? nearest 4".
    pub fn answer(&self) -> String {
        if self.sure {
            self.digit.to_string()
        } else {
            let verdict = Verdict {
                digit: self.digit,
                confidence: self.confidence,
                runner_up: self.top3[1].0,
                unlike_any_digit: self.unlike_any_digit,
                sure: false,
            };
            format!("not sure: {}", verdict.doubt())
        }
    }
}

/// Decodes a PNG or JPEG file (within size limits) and hands its pixels to `read`.
fn with_bitmap<T>(path: &Path, read: impl FnOnce(Bitmap<'_>) -> T) -> Result<T> {
    let unreadable = || format!("{} is not a readable PNG or JPEG image", path.display());
    let mut decoder = image::ImageReader::open(path)
        .with_context(|| format!("cannot open {}", path.display()))?
        .with_guessed_format()
        .with_context(|| format!("cannot read {}", path.display()))?
        .into_decoder()
        .with_context(unreadable)?;
    // The header alone says how large the image claims to be: refuse before decoding.
    let (width, height) = decoder.dimensions();
    image_file::check(width, height).with_context(|| path.display().to_string())?;
    // A backstop in case a decoder allocates more than the header suggests.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(image_file::MAX_SIDE);
    limits.max_image_height = Some(image_file::MAX_SIDE);
    limits.max_alloc = Some(image_file::MAX_PIXELS * 8);
    decoder.set_limits(limits).with_context(unreadable)?;
    let image = image::DynamicImage::from_decoder(decoder).with_context(unreadable)?;
    let (width, height) = (image.width() as usize, image.height() as usize);
    Ok(match &image {
        // Grey stays grey: a quarter of the memory of RGBA.
        image::DynamicImage::ImageLuma8(grey) => read(Bitmap {
            width,
            height,
            format: PixelFormat::Gray,
            pixels: grey.as_raw(),
        }),
        other => read(Bitmap {
            width,
            height,
            format: PixelFormat::Rgba,
            pixels: other.to_rgba8().as_raw(),
        }),
    })
}

/// Decodes a PNG or JPEG file (within size limits) and preprocesses it into a model input.
pub fn load_input(path: &Path) -> Result<[f32; IMAGE_PIXELS]> {
    with_bitmap(path, preprocess)?.with_context(|| format!("{}", path.display()))
}

/// Decodes a PNG or JPEG file (within size limits) and splits the number on it into digits.
pub fn load_digits(path: &Path) -> Result<Vec<mnist_model::Digit>> {
    with_bitmap(path, segment)?.with_context(|| format!("{}", path.display()))
}

/// Classifies preprocessed inputs in one batch (uncalibrated probabilities, confidence alone).
pub fn predict(model: &Cnn, inputs: &[[f32; IMAGE_PIXELS]], device: &Device) -> Vec<Prediction> {
    logits::of(model, inputs, device)
        .iter()
        .map(|l| Prediction::from_probabilities(&probabilities(l, 1.0), false))
        .collect()
}

/// Classifies preprocessed inputs in one batch as the app does, through the weights file's
/// [`Recogniser`]: probabilities calibrated by its temperature, inputs unlike any digit told
/// by its novelty statistics.
pub fn predict_calibrated(
    recogniser: &Recogniser,
    inputs: &[[f32; IMAGE_PIXELS]],
    device: &Device,
) -> Vec<Prediction> {
    if inputs.is_empty() {
        return Vec::new();
    }
    let dense = logits::dense(&recogniser.model, inputs, device);
    let values = logits::column(recogniser.answers(dense));
    mnist_model::recogniser::Answer::rows(&values, recogniser.novelty_limit())
        .iter()
        .map(|a| Prediction::from_probabilities(&a.probabilities, a.unlike_any_digit))
        .collect()
}

/// One digit of a number read from an image.
#[derive(Debug, Clone, Serialize)]
pub struct NumberDigit {
    #[serde(flatten)]
    pub prediction: Prediction,
    /// `[x, y, width, height]` in the image's pixels.
    #[serde(rename = "box")]
    pub bounds: [usize; 4],
    /// Much wider than a digit: probably digits that touch, read as one.
    pub touching: bool,
}

/// A number read from an image, digit by digit, left to right.
#[derive(Debug, Clone, Serialize)]
pub struct Number {
    /// The digits' best guesses, left to right (e.g. "2026").
    pub value: String,
    /// Whether every digit is sure and none looks like touching digits.
    pub sure: bool,
    pub digits: Vec<NumberDigit>,
}

/// Reads every digit of `digits` in one batch, with the pieces touching digits could be cut
/// into, and keeps the reading the network is surer of ([`number::settle`]).
pub fn read_number(
    recogniser: &Recogniser,
    digits: &[mnist_model::Digit],
    device: &Device,
) -> Number {
    let predictions = predict_calibrated(recogniser, &number::inputs(digits), device);
    let read = number::settle(digits, &predictions, |p| (p.sure, p.confidence));
    let digits: Vec<NumberDigit> = read
        .into_iter()
        .map(|(d, prediction)| {
            let Bounds {
                x,
                y,
                width,
                height,
            } = d.bounds;
            NumberDigit {
                prediction,
                bounds: [x, y, width, height],
                touching: d.touching,
            }
        })
        .collect();
    Number {
        value: digits
            .iter()
            .map(|d| d.prediction.digit.to_string())
            .collect(),
        sure: digits.iter().all(|d| d.prediction.sure && !d.touching),
        digits,
    }
}

/// What one file's line says.
#[derive(Debug, Clone)]
pub enum Answer {
    Digit(Prediction),
    Number(Number),
}

/// One file's line of `trainer predict`'s output.
#[derive(Debug, Clone)]
pub struct FileAnswer {
    pub file: String,
    /// The answer, or why the file could not be read.
    pub answer: Result<Answer, String>,
}

impl FileAnswer {
    /// The line as one JSON object: `file` with `digit`, `confidence`, `top3` and `sure`, or
    /// with `value`, `sure` and `digits` (`--number`), or with `error`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut line = match &self.answer {
            Ok(Answer::Digit(p)) => serde_json::to_value(p),
            Ok(Answer::Number(n)) => serde_json::to_value(n),
            Err(e) => Ok(serde_json::json!({ "error": e })),
        }
        .expect("answers serialise");
        line["file"] = self.file.clone().into();
        line
    }
}

impl fmt::Display for FileAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let percent = |(d, q): &(usize, f32)| format!("{d} ({:.1}%)", 100.0 * q);
        match &self.answer {
            Ok(Answer::Digit(p)) => {
                let top3: Vec<String> = p.top3.iter().map(percent).collect();
                write!(f, "{}: {}  [{}]", self.file, p.answer(), top3.join(", "))
            }
            Ok(Answer::Number(n)) => {
                let digits: Vec<String> = n
                    .digits
                    .iter()
                    .map(|d| {
                        let p = &d.prediction;
                        let touching = if d.touching { ", touching digits?" } else { "" };
                        format!("{} {:.1}%{touching}", p.answer(), 100.0 * p.confidence)
                    })
                    .collect();
                write!(f, "{}: {}  [{}]", self.file, n.value, digits.join(" | "))
            }
            Err(e) => write!(f, "{}: error: {e}", self.file),
        }
    }
}

/// Reads and classifies each image file on its own, so one bad file spoils only its own line;
/// with `number`, every digit of a written number.
pub fn predict_files(
    recogniser: &Recogniser,
    files: &[impl AsRef<Path>],
    number: bool,
    device: &Device,
) -> Vec<FileAnswer> {
    files
        .iter()
        .map(|path| {
            let path = path.as_ref();
            let answer = if number {
                load_digits(path)
                    .map(|digits| Answer::Number(read_number(recogniser, &digits, device)))
            } else {
                load_input(path).map(|input| {
                    Answer::Digit(predict_calibrated(recogniser, &[input], device).remove(0))
                })
            };
            FileAnswer {
                file: path.display().to_string(),
                answer: answer.map_err(|e| format!("{e:#}")),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_the_top_three() {
        let p = Prediction::from_probabilities(
            &[0.0, 0.1, 0.05, 0.6, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0],
            false,
        );
        assert_eq!(p.digit, 3);
        assert_eq!(
            p.top3.iter().map(|t| t.0).collect::<Vec<_>>(),
            vec![3, 8, 1]
        );
    }

    /// A valid grey PNG of `width`×`height` black pixels: a few hundred kilobytes that
    /// decode to `width * height` bytes or more.
    fn png_bomb(width: u32, height: u32) -> Vec<u8> {
        use std::io::Write;
        let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            png.extend((data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            png.extend(kind);
            png.extend(data);
            png.extend(crc.sum().to_be_bytes());
        };
        let mut header = Vec::new();
        header.extend(width.to_be_bytes());
        header.extend(height.to_be_bytes());
        header.extend([8, 0, 0, 0, 0]); // 8-bit grey, deflate, no filter, no interlace
        let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let row = vec![0u8; width as usize + 1]; // filter byte + pixels
        for _ in 0..height {
            deflate.write_all(&row).unwrap();
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut png, b"IHDR", &header);
        chunk(&mut png, b"IDAT", &deflate.finish().unwrap());
        chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        let dir = tempfile::tempdir().unwrap();
        // Over the side limit, and within it but over the pixel limit (121 MP).
        for (width, height) in [(20_000, 20_000), (11_000, 11_000)] {
            let path = dir.path().join(format!("bomb-{width}.png"));
            let bytes = png_bomb(width, height);
            assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
            std::fs::write(&path, bytes).unwrap();
            let err = format!("{:#}", load_input(&path).unwrap_err());
            assert!(
                err.contains(&format!("too large: {width}×{height}")),
                "{err}"
            );
        }
        // The same construction at a sane size decodes, and is (correctly) blank.
        let path = dir.path().join("small.png");
        std::fs::write(&path, png_bomb(300, 200)).unwrap();
        let err = format!("{:#}", load_input(&path).unwrap_err());
        assert!(err.contains("nothing"), "{err}");
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
