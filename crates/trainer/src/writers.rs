//! The real writers' corpora built into the trainer ([`assets`]): their validation digits, which
//! `heldout` reads as scans and redrawn as pen strokes, and their training digits, which
//! `train --writers` mixes in beside MNIST's; likewise the pen trajectories ([`trajectories`]),
//! drawn as the pad draws, which `train --trajectories` mixes in.

use anyhow::{Context, Result};
use mnist_model::handwriting::{Corpus, Part, Scans};
use mnist_model::{IMAGE_PIXELS, IMAGE_SIDE};

use crate::assets;
use crate::idx::Images;
use crate::mnist::Split;
use crate::trajectories::Trajectories;

/// Both corpora, parsed.
pub fn corpora() -> Result<Vec<Scans>> {
    Corpus::ALL
        .into_iter()
        .map(|corpus| corpus.parse(built_in(corpus)).context("a built-in corpus"))
        .collect()
}

/// The file of `corpus` built into the trainer.
pub fn built_in(corpus: Corpus) -> &'static [u8] {
    match corpus {
        Corpus::Optdigits => assets::OPTDIGITS,
        Corpus::Semeion => assets::SEMEION,
    }
}

/// The digits of `part` as model inputs, with their labels; a scan `preprocess` finds blank
/// (none is) would be an empty input, read wrong.
pub fn inputs(scans: &Scans, part: Part) -> (Vec<[f32; IMAGE_PIXELS]>, Vec<u8>) {
    scans
        .part(part)
        .map(|i| {
            let input = scans.input(i).unwrap_or([0.0; IMAGE_PIXELS]);
            (input, scans.labels[i])
        })
        .unzip()
}

/// Every corpus's training digits, preprocessed, as one split of 28×28 images.
pub fn training_digits() -> Result<Split> {
    let (mut inputs, mut labels) = (Vec::new(), Vec::new());
    for scans in corpora()? {
        let (part_inputs, part_labels) = self::inputs(&scans, Part::Train);
        inputs.extend(part_inputs);
        labels.extend(part_labels);
    }
    Ok(split(&inputs, labels))
}

/// The pen trajectories' training digits, drawn as the pad draws, as a split of 28×28 images.
pub fn training_trajectories() -> Result<Split> {
    let (inputs, labels) = Trajectories::built_in()?.inputs(Part::Train);
    Ok(split(&inputs, labels))
}

/// `inputs` and their `labels` as a split of 8-bit 28×28 images.
fn split(inputs: &[[f32; IMAGE_PIXELS]], labels: Vec<u8>) -> Split {
    let pixels = inputs
        .iter()
        .flatten()
        .map(|&v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
        .collect();
    Split {
        images: Images {
            count: labels.len(),
            rows: IMAGE_SIDE,
            cols: IMAGE_SIDE,
            pixels,
        },
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_corpora_parse_whole() {
        let corpora = corpora().unwrap();
        let sizes: Vec<_> = corpora
            .iter()
            .map(|c| (c.part(Part::Train).len(), c.part(Part::Validation).len()))
            .collect();
        assert_eq!(sizes, [(1547, 387), (1194, 399)]);
        for scans in &corpora {
            for digit in 0..10 {
                let count = scans.labels.iter().filter(|&&l| l == digit).count();
                assert!(count > 100, "{:?} has {count} {digit}s", scans.corpus);
            }
        }
    }
}
