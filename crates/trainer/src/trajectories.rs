//! Real writers' pen movements: UCI's "Pen-Based Recognition of Handwritten Digits" (Alimoglu
//! and Alpaydin, Boğaziçi University, 1996), its 30 training writers' digits, written with a
//! pen on a tablet. The only corpus of strokes rather than scans, so the only one that reaches
//! the network as the pad's digits do: each is drawn as one stroke (`strokes::draw`). The file
//! keeps 8 points of each digit, evenly spaced along the pen's path with its lifts joined, so
//! a digit written in two strokes (most 4s and 5s, crossed 7s) gains a line the writer did not
//! draw. Its rows are shuffled (no writer kept together), so its validation tail shares its
//! writers with the rest: a check of the pad's path on real pen movement, not of new writers.

use std::ops::Range;

use anyhow::{Context, Result, bail};
use mnist_model::handwriting::Part;
use mnist_model::strokes::{PEN_SHARE, Stroke, draw};
use mnist_model::{IMAGE_PIXELS, NUM_CLASSES, idx};

use crate::assets;

/// Where the validation digits start: the last 1,494 of 7,494.
const VALIDATION_FROM: usize = 6000;

/// The corpus's digits, each one stroke in the pad's orientation (y down), and their labels.
pub struct Trajectories {
    pub strokes: Vec<Stroke>,
    pub labels: Vec<u8>,
}

impl Trajectories {
    /// The corpus built into the trainer.
    pub fn built_in() -> Result<Self> {
        Self::parse(assets::PENDIGITS).context("the built-in pen trajectories")
    }

    /// The corpus in `bytes` (raw or gzip): per line 16 coordinates (x, y of 8 points, 0 to
    /// 100, y up) and the label, separated by commas.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let text = idx::unpack(bytes.to_vec()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let text = std::str::from_utf8(&text).context("not text")?;
        let (mut strokes, mut labels) = (Vec::new(), Vec::new());
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (stroke, label) = digit(line).with_context(|| format!("line {}", number + 1))?;
            strokes.push(stroke);
            labels.push(label);
        }
        if labels.len() <= VALIDATION_FROM {
            bail!(
                "{} digits: too few to keep {VALIDATION_FROM} for training",
                labels.len()
            );
        }
        Ok(Self { strokes, labels })
    }

    pub fn part(&self, part: Part) -> Range<usize> {
        match part {
            Part::Train => 0..VALIDATION_FROM,
            Part::Validation => VALIDATION_FROM..self.labels.len(),
        }
    }

    /// The digits of `part` drawn as the pad draws them, with their labels.
    pub fn inputs(&self, part: Part) -> (Vec<[f32; IMAGE_PIXELS]>, Vec<u8>) {
        self.part(part)
            .map(|i| {
                // Every stroke spans at least a point; one drawn as a dot still has ink.
                let input = draw(&[&self.strokes[i]], PEN_SHARE).unwrap_or([0.0; IMAGE_PIXELS]);
                (input, self.labels[i])
            })
            .unzip()
    }
}

/// One line: the stroke (y turned to run down, as on the pad) and the label.
fn digit(line: &str) -> Result<(Stroke, u8)> {
    let values: Vec<u8> = line
        .split(',')
        .map(|v| v.trim().parse::<u8>())
        .collect::<Result<_, _>>()
        .context("not whole numbers from 0 to 255 separated by commas")?;
    let [points @ .., label] = &values[..] else {
        bail!("empty");
    };
    if points.len() != 16 {
        bail!("{} coordinates, not 16", points.len());
    }
    if let Some(v) = points.iter().find(|&&v| v > 100) {
        bail!("coordinate {v} is outside 0..=100");
    }
    if usize::from(*label) >= NUM_CLASSES {
        bail!("label {label} is not a digit");
    }
    let stroke = points
        .chunks_exact(2)
        .map(|p| (f32::from(p[0]), 100.0 - f32::from(p[1])))
        .collect();
    Ok((stroke, *label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_corpus_parses_whole() {
        let corpus = Trajectories::built_in().unwrap();
        assert_eq!(corpus.labels.len(), 7494);
        assert_eq!(corpus.part(Part::Validation).len(), 1494);
        // UCI's counts of each digit in the training writers' file.
        let counts: Vec<usize> = (0..10)
            .map(|d| corpus.labels.iter().filter(|&&l| l == d).count())
            .collect();
        assert_eq!(counts, [780, 779, 780, 719, 780, 720, 720, 778, 719, 719]);
    }

    #[test]
    fn a_line_is_eight_points_and_a_digit() {
        let (stroke, label) =
            digit(" 47,100, 27, 81, 57, 37, 26,  0,  0, 23, 56, 53,100, 90, 40, 98,  8").unwrap();
        assert_eq!(label, 8);
        assert_eq!(stroke.len(), 8);
        // y turned: 100 up is 0 down.
        assert_eq!(stroke[0], (47.0, 0.0));
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let bad = [
            ("1,2,3", "coordinates, not 16"),
            ("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,101,3", "outside"),
            ("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,10", "not a digit"),
            ("0,0,x,0,0,0,0,0,0,0,0,0,0,0,0,0,1", "whole numbers"),
        ];
        for (line, problem) in bad {
            let error = format!("{:#}", digit(line).unwrap_err());
            assert!(error.contains(problem), "{line}: {error}");
        }
        let short = "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1\n".repeat(10);
        assert!(Trajectories::parse(short.as_bytes()).is_err());
    }
}
