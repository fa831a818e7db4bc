//! Personal weights: what the page makes when a user teaches it their handwriting (see
//! [`crate::adapt`]), or trains a network of their own in it. The examples they taught, in the compact form the page stores and hands
//! to its teaching worker, and the adapted network as a weights file like the shipped one, which
//! says what it was adapted from.

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::TensorData;

use crate::calibration::KEY_TEMPERATURE;
use crate::novelty::KEY_NOVELTY;
use crate::weights::{self, Precision, WeightsError, WeightsInfo};
use crate::{Cnn, IMAGE_PIXELS, NUM_CLASSES};

/// Metadata of personal weights: the checksum of the weights they were adapted from.
pub const KEY_ADAPTED_FROM: &str = "adapted_from";
/// Metadata of personal weights: how many of the user's examples they learnt.
pub const KEY_EXAMPLES: &str = "personal_examples";
/// Metadata of a network trained from random weights in the page ("Train it yourself"): how
/// it was trained.
pub const KEY_TRAINED_IN_PAGE: &str = "trained_in_page";

/// Bytes of one stored example: its label, then its input as 784 grey levels.
pub const EXAMPLE_BYTES: usize = 1 + IMAGE_PIXELS;

/// One digit the user taught: the model's input for it, and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub input: [f32; IMAGE_PIXELS],
    pub label: u8,
}

/// Examples as bytes: [`EXAMPLE_BYTES`] each, in order.
pub fn encode_examples(examples: &[Example]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(examples.len() * EXAMPLE_BYTES);
    for e in examples {
        bytes.push(e.label);
        bytes.extend(
            e.input
                .iter()
                .map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8),
        );
    }
    bytes
}

/// The examples in `bytes`, or `None` if they are not whole examples of digits 0–9.
pub fn decode_examples(bytes: &[u8]) -> Option<Vec<Example>> {
    if !bytes.len().is_multiple_of(EXAMPLE_BYTES) {
        return None;
    }
    bytes
        .chunks_exact(EXAMPLE_BYTES)
        .map(|r| {
            (usize::from(r[0]) < NUM_CLASSES).then(|| Example {
                label: r[0],
                input: std::array::from_fn(|i| f32::from(r[1 + i]) / 255.0),
            })
        })
        .collect()
}

/// Personal weights as a weights file: `base` (loaded from a file described by `info`) with
/// the adapted output layer's `weight` (`[1024, 10]`, row by row) and `bias`, stored at the
/// base's precision with its temperature, and naming the weights adapted from and how many
/// examples were learnt. The layers below are the base's, so they are stored as they were.
pub fn personal_weights(
    base: &Cnn,
    info: &WeightsInfo,
    weight: Vec<f32>,
    bias: Vec<f32>,
    examples: usize,
) -> Result<Vec<u8>, WeightsError> {
    let mismatch =
        |what: &str, n: usize| WeightsError::Mismatch(format!("{n} values for the output {what}"));
    let device = base.devices()[0].clone();
    let layer = base.output_layer();
    let [inputs, outputs] = layer.weight.dims();
    if weight.len() != inputs * outputs {
        return Err(mismatch("weight", weight.len()));
    }
    if bias.len() != outputs {
        return Err(mismatch("bias", bias.len()));
    }
    let layer = Linear {
        weight: Param::from_data(TensorData::new(weight, [inputs, outputs]), &device),
        bias: Some(Param::from_data(TensorData::new(bias, [outputs]), &device)),
    };
    let precision = info.precision().parse().unwrap_or(Precision::Int8);
    let mut extra = vec![
        (KEY_TEMPERATURE, info.temperature()?.to_string()),
        (KEY_ADAPTED_FROM, info.checksum().to_string()),
        (KEY_EXAMPLES, examples.to_string()),
    ];
    // The layers below are the base's, and so is where they put digits.
    if let Some(novelty) = info.novelty()? {
        extra.push((KEY_NOVELTY, novelty.encode()));
    }
    weights::encode(&base.clone().with_output_layer(layer), precision, &extra)
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Distribution, Tensor};

    use crate::network::HIDDEN;
    use crate::novelty::Novelty;

    use super::*;

    #[test]
    fn personal_weights_hold_the_new_output_layer_and_say_where_they_come_from() {
        let device = Device::flex();
        let base = Cnn::new(&device);
        let features = Tensor::<2>::random([20, HIDDEN], Distribution::Default, &device);
        let labels: Vec<u8> = (0..20).map(|i| i % 10).collect();
        let novelty = Novelty::fit(features, &labels).encode();
        let extra = [
            (KEY_TEMPERATURE, "1.5".to_string()),
            (KEY_NOVELTY, novelty.clone()),
        ];
        let shipped = weights::encode(&base, Precision::Int8, &extra).unwrap();
        let (base, info) = weights::decode(&shipped, &device).unwrap();
        let weight: Vec<f32> = (0..1024 * 10)
            .map(|i| ((i % 17) as f32 - 8.0) / 100.0)
            .collect();
        let bias: Vec<f32> = (0..10).map(|i| i as f32 / 10.0).collect();
        let bytes = personal_weights(&base, &info, weight.clone(), bias.clone(), 7).unwrap();
        let (personal, personal_info) = weights::decode(&bytes, &device).unwrap();
        assert_eq!(personal_info.precision(), "int8");
        assert_eq!(personal_info.temperature().unwrap(), 1.5);
        assert_eq!(personal_info.metadata[KEY_ADAPTED_FROM], info.checksum());
        assert_eq!(personal_info.metadata[KEY_EXAMPLES], "7");
        assert_eq!(personal_info.metadata[KEY_NOVELTY], novelty);
        let stored = personal
            .output_layer()
            .weight
            .val()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        for (a, b) in stored.iter().zip(&weight) {
            assert!((a - b).abs() < 1e-3, "{a} vs {b}");
        }
        assert!(matches!(
            personal_weights(&base, &info, weight, vec![0.0; 3], 7),
            Err(WeightsError::Mismatch(_))
        ));
    }

    #[test]
    fn examples_survive_their_bytes_and_bad_bytes_are_refused() {
        let examples = vec![
            Example {
                input: [0.0; IMAGE_PIXELS],
                label: 0,
            },
            Example {
                input: std::array::from_fn(|i| (i % 256) as f32 / 255.0),
                label: 9,
            },
        ];
        let bytes = encode_examples(&examples);
        assert_eq!(bytes.len(), 2 * EXAMPLE_BYTES);
        assert_eq!(decode_examples(&bytes), Some(examples));
        assert_eq!(decode_examples(&bytes[1..]), None);
        let mut bad = bytes.clone();
        bad[0] = 10;
        assert_eq!(decode_examples(&bad), None);
        assert_eq!(decode_examples(&[]), Some(vec![]));
    }
}
