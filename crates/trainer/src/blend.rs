//! `trainer blend`: two networks of this architecture averaged parameter by parameter (a
//! "model soup"). Weights and a fine-tuning of them lie in one basin, and a point on the line
//! between them can keep what each is good at: the fine-tuning's new writers and the first
//! weights' MNIST (docs/handwriting.md).

use std::path::Path;

use anyhow::{Context, Result, bail};
use burn::module::{Module, ModuleMapper, Param};
use burn::tensor::{Device, Tensor};
use mnist_model::Cnn;
use mnist_model::readback::flattened;
use mnist_model::weights::Precision;

use crate::export::{self, Exported, ModelCard};
use crate::hash::sha256_hex;
use crate::run::{Blend, Outcome, RunDir};
use crate::{mnist, weights_file};

/// Blends the weights file `weights` `share` of the way to `with`, a run's export whose model
/// card lies beside it, and exports the result into `out` like a run: weights at `precision`,
/// calibrated, and a card that records the run blended in and how (`command`).
pub fn run(
    weights: &Path,
    with: &Path,
    share: f32,
    data: &Path,
    out: &Path,
    precision: Precision,
    command: &str,
) -> Result<Exported> {
    if !(0.0..=1.0).contains(&share) {
        bail!("--share must be between 0 and 1, not {share}");
    }
    let card = model_card(with).context("--with is a run's export")?;
    // --weights may be any weights file; a run's export has its card beside it.
    let weights_config = match weights.with_extension("json").exists() {
        true => Some(model_card(weights)?.config),
        false => None,
    };
    let device = Device::flex();
    // Each file read once: the network blended is the one whose SHA-256 the card records.
    let first = weights_file::read(weights)?;
    let second = weights_file::read(with)?;
    let a = weights_file::decode(weights, &first, &device)?;
    let b = weights_file::decode(with, &second, &device)?;
    let outcome = Outcome {
        model: blend(a.model, &b.model, share),
        config: card.config,
        history: card.history,
        train_images: card.train_images,
        blend: Some(Blend {
            weights: weights.display().to_string(),
            weights_sha256: sha256_hex(&first),
            weights_config,
            with: with.display().to_string(),
            with_sha256: sha256_hex(&second),
            share,
        }),
    };
    let all = mnist::load_train(data)?;
    let (train, _) = mnist::train_and_validation(&all, outcome.config.limit)?;
    let (_, validation) = mnist::train_and_validation(&all, None)?;
    let test = mnist::load_test(data)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let run = RunDir::new(out);
    export::export(
        &outcome,
        precision,
        &train,
        &validation,
        &test,
        &run,
        command,
    )
}

/// The model card beside the weights file `weights`.
fn model_card(weights: &Path) -> Result<ModelCard> {
    ModelCard::read(&weights.with_extension("json"))
        .with_context(|| format!("the model card of {}", weights.display()))
}

/// `(1 − share)·a + share·b`, parameter by parameter.
pub fn blend(a: Cnn, b: &Cnn, share: f32) -> Cnn {
    a.map(&mut Mix {
        others: flattened(b).into_iter(),
        share,
    })
}

/// Moves each parameter `share` of the way towards the other network's.
struct Mix {
    others: std::vec::IntoIter<Tensor<1>>,
    share: f32,
}

impl ModuleMapper for Mix {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let other = self.others.next().expect("the same network's parameters");
        param.map(|tensor| {
            let other = other.reshape(tensor.shape());
            tensor.clone() + (other - tensor) * self.share
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(model: &Cnn) -> Vec<f32> {
        flattened(model)
            .into_iter()
            .flat_map(|t| t.into_data().try_to_vec::<f32>().unwrap())
            .collect()
    }

    #[test]
    fn a_blend_lies_share_of_the_way_from_one_network_to_the_other() {
        let device = Device::flex();
        let (a, b) = (Cnn::new(&device), Cnn::new(&device));
        let (va, vb) = (values(&a), values(&b));
        for share in [0.0, 0.3, 1.0] {
            let blended = values(&blend(a.clone(), &b, share));
            assert_eq!(blended.len(), va.len());
            for ((x, y), z) in va.iter().zip(&vb).zip(&blended) {
                assert!(
                    (x + (y - x) * share - z).abs() < 1e-6,
                    "{x} {y} {z} at {share}"
                );
            }
        }
    }
}
