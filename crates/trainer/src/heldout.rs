//! The held-out check: how well a weights file reads handwriting it was not trained on, in the
//! forms users give it. Every set is made from the MNIST test digits (never trained on), seeded,
//! so two weights files are compared on the very same inputs:
//!
//! - `scans`: the test digits as they are;
//! - `pen`: thinned to their skeleton (`augment::skeleton::strokes`) and drawn again as the pad
//!   draws a digit;
//! - `styles`: the 7s crossed, the 1s flagged, the 4s open and the 9s with a small loop, drawn
//!   as on the pad (the styles come from the training augmentation's code, so this set checks
//!   that training learnt them, not that they are what every writer does; the browser's stroke
//!   tests are the outside check);
//! - `photos`: written large on grey paper and photographed: keystone, uneven light, blur and
//!   noise, then read through `preprocess` like any photo;
//! - `fine pen photos`: traced as for `pen`, written with a fine pen (a ballpoint's line, 3 %
//!   of the digit's size) and photographed alike.
//!
//! Those are regression checks: they hold only the styles MNIST's writers and our own code put
//! into them. The figures the training recipe is chosen by are the `writers` sets: the
//! validation digits of real writers outside MNIST ([`crate::writers`]), as scans through
//! `preprocess` (the photo path) and redrawn as pen strokes (the pad's path), each corpus and
//! both together, with the digits most often misread; and real writers' pen movements
//! ([`crate::trajectories`]), drawn as the pad draws them.

use std::fmt;
use std::path::Path;

use anyhow::Result;
use burn::tensor::Device;
use image::{GrayImage, imageops};
use mnist_model::augment::pen::redraw;
use mnist_model::augment::skeleton::{skeleton, strokes};
use mnist_model::augment::styles::Style;
use mnist_model::calibration::{SURE_AT_LEAST, probabilities};
use mnist_model::handwriting::Part;
use mnist_model::recogniser::Recogniser;
use mnist_model::strokes::{PEN_SHARE, Stroke, drawing};
use mnist_model::{Bitmap, Cnn, IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES, PixelFormat, preprocess};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::evaluate::argmax;
use crate::logits;
use crate::misses::{self, Miss};
use crate::mnist::Split;
use crate::paired::{Comparison, Paired};
use crate::trajectories::Trajectories;
use crate::verdicts::{self, Verdicts};
use crate::writers;

const SEED: u64 = 2026;

/// One set's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetResult {
    pub name: String,
    pub images: usize,
    pub accuracy: f64,
    /// Per digit; `None` where the set has none of that digit.
    pub per_class: [Option<f64>; NUM_CLASSES],
    /// The most frequent misreadings, most first.
    pub confusions: Vec<Confusion>,
    /// How the page answers them (sure or "not sure"); not with test-time averaging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Verdicts>,
}

/// A digit read as another, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    pub digit: u8,
    pub read_as: u8,
    pub count: usize,
}

/// How many confusion pairs a set lists.
const CONFUSIONS: usize = 6;

/// Every set's result.
#[derive(Debug, Clone, Serialize)]
pub struct Heldout {
    /// Made from the MNIST test digits.
    pub sets: Vec<SetResult>,
    /// Real writers' validation digits.
    pub writers: Vec<SetResult>,
    /// Every set read by these weights and by `--against`'s, where given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub against: Vec<Paired>,
}

/// Runs `recogniser` on every set made from the first `limit` test digits, and on the real
/// writers' sets, with how the page answers each. With `shifts`, each input is also read moved
/// a pixel up, down, left and right, and the five answers' probabilities are averaged
/// (test-time averaging; the page's answers are then not told). With `misses`, the real
/// writers' misread digits are drawn there (PNG). With `against`, every set is also read by
/// that network and the two compared digit by digit.
pub fn check(
    recogniser: &Recogniser,
    against: Option<&Cnn>,
    test: &Split,
    limit: usize,
    shifts: bool,
    misses: Option<&Path>,
    device: &Device,
) -> Result<Heldout> {
    let count = limit.min(test.len());
    let read = |model: &Cnn, inputs: &[[f32; IMAGE_PIXELS]]| match shifts {
        false => logits::of(model, inputs, device),
        true => averaged_over_shifts(model, inputs, device),
    };
    // The logits to score and, without shifts, the page's answers.
    let answer = |inputs: &[[f32; IMAGE_PIXELS]], labels: &[u8]| match shifts {
        false => {
            let answers = verdicts::answers(recogniser, inputs, device);
            (
                verdicts::logits_of(&answers),
                Some(Verdicts::of(&answers, labels)),
            )
        }
        true => (read(&recogniser.model, inputs), None),
    };
    let mut paired = Vec::new();
    let mut compare = |name: &str, inputs: &[[f32; IMAGE_PIXELS]], answers: &[_], labels: &[u8]| {
        if let Some(other) = against {
            paired.push(Paired::new(
                name.to_string(),
                answers,
                &read(other, inputs),
                labels,
            ));
        }
    };
    let traced = traced(test, count);
    let mut sets_read = Vec::new();
    for (name, inputs, labels) in sets_traced(test, &traced)
        .into_iter()
        .chain([fine_pen_photos(test, &traced)])
    {
        let (answers, page) = answer(&inputs, &labels);
        compare(name, &inputs, &answers, &labels);
        sets_read.push(SetResult {
            page,
            ..score(name.to_string(), &answers, &labels)
        });
    }
    let (mut writers, mut misread) = (Vec::new(), Vec::new());
    for (name, inputs, labels) in writers_sets()? {
        let (answers, page) = answer(&inputs, &labels);
        compare(&name, &inputs, &answers, &labels);
        if misses.is_some() && name.starts_with("writers") {
            misread.push((
                format!("{name}: misread"),
                missed(&inputs, &answers, &labels),
            ));
        }
        writers.push(SetResult {
            page,
            ..score(name, &answers, &labels)
        });
    }
    if let Some(path) = misses {
        misses::write(&misread, path)?;
    }
    Ok(Heldout {
        sets: sets_read,
        writers,
        against: paired,
    })
}

/// The inputs `answers` misread, by label.
fn missed(
    inputs: &[[f32; IMAGE_PIXELS]],
    answers: &[[f32; NUM_CLASSES]],
    labels: &[u8],
) -> Vec<Miss> {
    let mut misses: Vec<Miss> = inputs
        .iter()
        .zip(answers)
        .zip(labels)
        .map(|((input, logits), &label)| Miss {
            input: *input,
            label,
            read_as: argmax(logits) as u8,
        })
        .filter(|m| m.read_as != m.label)
        .collect();
    misses.sort_by_key(|m| (m.label, m.read_as));
    misses
}

/// How `model` reads the real writers' validation sets (the model card's figures).
pub fn writers(model: &Cnn, device: &Device) -> Result<Vec<SetResult>> {
    Ok(writers_sets()?
        .into_iter()
        .map(|(name, inputs, labels)| score(name, &logits::of(model, &inputs, device), &labels))
        .collect())
}

/// The real writers' validation digits as scans and as pen strokes: each corpus, then all;
/// then the pen trajectories' validation digits, drawn as the pad draws.
pub fn writers_sets() -> Result<Vec<Set<String>>> {
    let mut sets = Vec::new();
    let (mut all_scans, mut all_pen, mut all_labels) = (Vec::new(), Vec::new(), Vec::new());
    for corpus in writers::corpora()? {
        let (scans, labels) = writers::inputs(&corpus, Part::Validation);
        let pen = redrawn(&scans);
        all_scans.extend_from_slice(&scans);
        all_pen.extend_from_slice(&pen);
        all_labels.extend_from_slice(&labels);
        let name = corpus.corpus.name();
        sets.push((format!("{name} scans"), scans, labels.clone()));
        sets.push((format!("{name} pen"), pen, labels));
    }
    sets.push(("writers scans".into(), all_scans, all_labels.clone()));
    sets.push(("writers pen".into(), all_pen, all_labels));
    let (pen, labels) = Trajectories::built_in()?.inputs(Part::Validation);
    sets.push(("pendigits pen".into(), pen, labels));
    Ok(sets)
}

/// Each input thinned to its skeleton and drawn again as the pad draws a digit.
pub fn redrawn(inputs: &[[f32; IMAGE_PIXELS]]) -> Vec<[f32; IMAGE_PIXELS]> {
    inputs
        .iter()
        .map(|input| redraw(&strokes(input), PEN_SHARE).unwrap_or(*input))
        .collect()
}

/// The moves of test-time averaging, in pixels: none, and one each way.
const SHIFTS: [(isize, isize); 5] = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)];

/// The log of the mean probabilities of each input read at every one of [`SHIFTS`].
fn averaged_over_shifts(
    model: &Cnn,
    inputs: &[[f32; IMAGE_PIXELS]],
    device: &Device,
) -> Vec<[f32; NUM_CLASSES]> {
    let moved: Vec<_> = inputs
        .iter()
        .flat_map(|input| SHIFTS.map(|(dx, dy)| shifted(input, dx, dy)))
        .collect();
    logits::of(model, &moved, device)
        .chunks(SHIFTS.len())
        .map(|reads| {
            let sum = reads.iter().map(|l| probabilities(l, 1.0)).fold(
                [0f32; NUM_CLASSES],
                |mut sum, p| {
                    sum.iter_mut().zip(p).for_each(|(s, p)| *s += p);
                    sum
                },
            );
            sum.map(|p| (p / SHIFTS.len() as f32).ln())
        })
        .collect()
}

/// `input` moved `dx` pixels right and `dy` down, blank where it came in.
fn shifted(input: &[f32; IMAGE_PIXELS], dx: isize, dy: isize) -> [f32; IMAGE_PIXELS] {
    let side = IMAGE_SIDE as isize;
    std::array::from_fn(|i| {
        let (x, y) = (i as isize % side - dx, i as isize / side - dy);
        if (0..side).contains(&x) && (0..side).contains(&y) {
            input[(y * side + x) as usize]
        } else {
            0.0
        }
    })
}

/// A set's name, inputs and labels.
type Set<Name = &'static str> = (Name, Vec<[f32; IMAGE_PIXELS]>, Vec<u8>);

/// The MNIST-made sets the app's calibration is also fitted on, in order, made from the first
/// `count` test digits.
pub fn sets(test: &Split, count: usize) -> Vec<Set> {
    sets_traced(test, &traced(test, count))
}

/// The first `count` test digits' strokes, as the pad would draw them ([`strokes`]).
fn traced(test: &Split, count: usize) -> Vec<Vec<Stroke>> {
    (0..count).map(|i| strokes(&test.input(i))).collect()
}

/// [`sets`], made from the test digits `traced` holds the strokes of.
fn sets_traced(test: &Split, traced: &[Vec<Stroke>]) -> Vec<Set> {
    let count = traced.len();
    let labels: Vec<u8> = test.labels[..count].to_vec();
    let scans: Vec<_> = (0..count).map(|i| test.input(i)).collect();
    let pen = scans
        .iter()
        .zip(traced)
        .map(|(input, strokes)| redraw(strokes, PEN_SHARE).unwrap_or(*input))
        .collect();
    let mut rng = SmallRng::seed_from_u64(SEED);
    let (mut styled, mut styled_labels) = (Vec::new(), Vec::new());
    for (input, &label) in scans.iter().zip(&labels) {
        let Some(style) = Style::for_label(label) else {
            continue;
        };
        if let Some(strokes) = style.apply(&skeleton(input), &mut rng)
            && let Ok(drawn) = redraw(&strokes, PEN_SHARE)
        {
            styled.push(drawn);
            styled_labels.push(label);
        }
    }
    let mut rng = SmallRng::seed_from_u64(SEED);
    let photos = (0..count)
        .map(|i| {
            let scan = GrayImage::from_raw(28, 28, test.images.image(i).to_vec()).expect("28×28");
            read_photo(&photograph(&scan, &mut rng))
        })
        .collect();
    vec![
        ("scans", scans, labels.clone()),
        ("pen", pen, labels.clone()),
        ("styles", styled, styled_labels),
        ("photos", photos, labels),
    ]
}

/// The test digits `traced` holds the strokes of, written with a fine pen and photographed as
/// for `photos`: a check of `preprocess` on hairline strokes, not one of the sets the app's
/// calibration and novelty statistics are fitted on.
fn fine_pen_photos(test: &Split, traced: &[Vec<Stroke>]) -> Set {
    let labels: Vec<u8> = test.labels[..traced.len()].to_vec();
    let mut rng = SmallRng::seed_from_u64(SEED);
    let photos = traced
        .iter()
        .map(|strokes| {
            let strokes: Vec<&Stroke> = strokes.iter().collect();
            match drawing(&strokes, FINE_PEN) {
                Ok((width, height, canvas)) => {
                    // White ink on black, as `photograph` takes its digit.
                    let ink = canvas.into_iter().map(|v| 255 - v).collect();
                    let ink = GrayImage::from_raw(width as u32, height as u32, ink).expect("sized");
                    read_photo(&photograph(&ink, &mut rng))
                }
                Err(_) => [0.0; IMAGE_PIXELS],
            }
        })
        .collect();
    ("fine pen photos", photos, labels)
}

/// A ballpoint's line on a digit written 15–20 mm tall, as a share of its size.
const FINE_PEN: f32 = 0.03;

/// A photo read as the page and `trainer predict` read one (blank: an empty input).
fn read_photo(photo: &GrayImage) -> [f32; IMAGE_PIXELS] {
    preprocess(Bitmap {
        width: photo.width() as usize,
        height: photo.height() as usize,
        format: PixelFormat::Gray,
        pixels: photo.as_raw(),
    })
    .unwrap_or([0.0; IMAGE_PIXELS])
}

/// How `answers` (logits, a row per digit) read a set labelled `labels`.
pub fn score(name: String, answers: &[[f32; NUM_CLASSES]], labels: &[u8]) -> SetResult {
    let mut right = [0usize; NUM_CLASSES];
    let mut seen = [0usize; NUM_CLASSES];
    let mut misread = [[0usize; NUM_CLASSES]; NUM_CLASSES];
    for (logits, &label) in answers.iter().zip(labels) {
        let guess = argmax(logits);
        seen[label as usize] += 1;
        right[label as usize] += usize::from(guess == label as usize);
        misread[label as usize][guess] += usize::from(guess != label as usize);
    }
    let mut confusions: Vec<Confusion> = (0..NUM_CLASSES * NUM_CLASSES)
        .map(|i| Confusion {
            digit: (i / NUM_CLASSES) as u8,
            read_as: (i % NUM_CLASSES) as u8,
            count: misread[i / NUM_CLASSES][i % NUM_CLASSES],
        })
        .filter(|c| c.count > 0)
        .collect();
    confusions.sort_by_key(|c| std::cmp::Reverse(c.count));
    confusions.truncate(CONFUSIONS);
    let total: usize = seen.iter().sum();
    SetResult {
        name,
        images: total,
        accuracy: right.iter().sum::<usize>() as f64 / total.max(1) as f64,
        per_class: std::array::from_fn(|d| (seen[d] > 0).then(|| right[d] as f64 / seen[d] as f64)),
        confusions,
        page: None,
    }
}

/// A square digit (white on black: an MNIST scan, a drawing) written large in dark ink on grey
/// paper and photographed slightly askew.
pub fn photograph(source: &GrayImage, rng: &mut impl Rng) -> GrayImage {
    let size = rng.random_range(56..=140u32);
    let large = imageops::resize(source, size, size, imageops::FilterType::Triangle);
    let side = size * 3 / 2;
    let offset = (side - size) as f32 / 2.0;
    // Keystone: each output corner looks at a source point up to a tenth of the side away.
    let jitter = side as f32 * 0.1;
    let corners: [(f32, f32); 4] = std::array::from_fn(|k| {
        let (cx, cy) = ((k % 2) as f32, (k / 2) as f32);
        (
            cx * side as f32 + rng.random_range(-jitter..jitter),
            cy * side as f32 + rng.random_range(-jitter..jitter),
        )
    });
    let (paper, ink) = (rng.random_range(170.0..235.0), rng.random_range(20.0..80.0));
    let light = rng.random_range(-30.0..30.0f32);
    let ink_at = |x: f32, y: f32| {
        let (x, y) = (x - offset, y - offset);
        if x < 0.0 || y < 0.0 || x >= size as f32 - 1.0 || y >= size as f32 - 1.0 {
            return 0.0;
        }
        let (ix, iy, fx, fy) = (x as u32, y as u32, x.fract(), y.fract());
        let p = |dx, dy| f32::from(large.get_pixel(ix + dx, iy + dy).0[0]) / 255.0;
        (p(0, 0) * (1.0 - fx) + p(1, 0) * fx) * (1.0 - fy)
            + (p(0, 1) * (1.0 - fx) + p(1, 1) * fx) * fy
    };
    let mut photo = GrayImage::from_fn(side, side, |u, v| {
        let (s, t) = (u as f32 / side as f32, v as f32 / side as f32);
        let lerp =
            |a: (f32, f32), b: (f32, f32), w: f32| (a.0 + (b.0 - a.0) * w, a.1 + (b.1 - a.1) * w);
        let (x, y) = lerp(
            lerp(corners[0], corners[1], s),
            lerp(corners[2], corners[3], s),
            t,
        );
        let background = paper + light * (s - 0.5);
        let value = background + (ink - background) * ink_at(x, y);
        image::Luma([value.clamp(0.0, 255.0) as u8])
    });
    photo = imageops::blur(&photo, rng.random_range(0.6..1.6));
    let noise = rng.random_range(4.0..14.0f32);
    for p in photo.pixels_mut() {
        p.0[0] = (f32::from(p.0[0]) + rng.random_range(-noise..noise)).clamp(0.0, 255.0) as u8;
    }
    photo
}

impl fmt::Display for Heldout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<16} {:>6} {:>8} ", "set", "images", "accuracy")?;
        for d in 0..NUM_CLASSES {
            write!(f, "{d:>6}")?;
        }
        writeln!(f, "  most misread (digit>read as ×count)")?;
        for set in self.sets.iter().chain(&self.writers) {
            write!(
                f,
                "{:<16} {:>6} {:>7.2}% ",
                set.name,
                set.images,
                100.0 * set.accuracy
            )?;
            for class in set.per_class {
                match class {
                    Some(a) => write!(f, "{:>6.1}", 100.0 * a)?,
                    None => write!(f, "{:>6}", "-")?,
                }
            }
            write!(f, " ")?;
            for c in &set.confusions {
                write!(f, " {}>{}×{}", c.digit, c.read_as, c.count)?;
            }
            writeln!(f)?;
        }
        let told: Vec<_> = self.sets.iter().chain(&self.writers).collect();
        if told.iter().any(|set| set.page.is_some()) {
            writeln!(
                f,
                "\nas the page answers (sure: calibrated confidence {:.0} % or more, and like a digit)",
                100.0 * SURE_AT_LEAST
            )?;
            writeln!(
                f,
                "{:<16} {:>12} {:>24} {:>22} {:>12}",
                "set",
                "sure, right",
                "not sure, names right",
                "not sure, names other",
                "sure, wrong"
            )?;
            for set in told {
                if let Some(page) = set.page {
                    let share = |v: f64| format!("{:.2}%", 100.0 * v);
                    writeln!(
                        f,
                        "{:<16} {:>12} {:>24} {:>22} {:>12}",
                        set.name,
                        share(page.sure_right),
                        share(page.unsure_named),
                        share(page.unsure_unnamed),
                        share(page.sure_wrong)
                    )?;
                }
            }
        }
        if !self.against.is_empty() {
            write!(f, "\n{}", Comparison(&self.against))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_moves_ink_and_blanks_what_comes_in() {
        let mut input = [0f32; IMAGE_PIXELS];
        input[5 * IMAGE_SIDE + 7] = 1.0;
        input[IMAGE_SIDE - 1] = 0.5;
        let right = shifted(&input, 1, 0);
        assert_eq!(right[5 * IMAGE_SIDE + 8], 1.0);
        assert_eq!(
            right.iter().sum::<f32>(),
            1.0,
            "the ink at the right edge left"
        );
        assert_eq!(
            shifted(&shifted(&input, 0, 1), 0, -1)[5 * IMAGE_SIDE + 7],
            1.0
        );
    }
}
