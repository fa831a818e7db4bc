//! Why the network answered as it did. By occlusion: the input is copied with one small square
//! blanked at a time, all copies go through the network in one batch, and each pixel is scored
//! by how much blanking it lowered the answer's logit; it needs nothing but a forward pass, so
//! it works the same on every engine. By gradient ([`gradient`], feature `autodiff`): the
//! answer's logit differentiated with respect to each input pixel, times the pixel, in one
//! forward and backward pass.

use crate::{IMAGE_PIXELS, IMAGE_SIDE};

/// Side of the blanked square, in input pixels: about a stroke's width.
const PATCH: usize = 4;
/// Distance between blanked squares; they overlap, so every pixel is covered several times.
const STRIDE: usize = 2;

/// The copies of `input`, one per position of the blanked square.
pub fn occluded(input: &[f32; IMAGE_PIXELS]) -> Vec<[f32; IMAGE_PIXELS]> {
    positions()
        .map(|(x0, y0)| {
            let mut copy = *input;
            for y in y0..y0 + PATCH {
                copy[y * IMAGE_SIDE + x0..y * IMAGE_SIDE + x0 + PATCH].fill(0.0);
            }
            copy
        })
        .collect()
}

/// Each pixel's score: how far blanking the squares over it lowered the answer's logit from
/// `answer_logit`, on average (negative where blanking raised it). `occluded_logits` are the
/// answer's logits for the copies of [`occluded`], in order.
pub fn scores(answer_logit: f32, occluded_logits: &[f32]) -> [f32; IMAGE_PIXELS] {
    let mut sum = [0f32; IMAGE_PIXELS];
    let mut count = [0u32; IMAGE_PIXELS];
    for ((x0, y0), &logit) in positions().zip(occluded_logits) {
        for y in y0..y0 + PATCH {
            for x in x0..x0 + PATCH {
                sum[y * IMAGE_SIDE + x] += answer_logit - logit;
                count[y * IMAGE_SIDE + x] += 1;
            }
        }
    }
    std::array::from_fn(|i| sum[i] / count[i].max(1) as f32)
}

/// Each pixel's share in the logit of `digit` for `input`: the logit's gradient with respect
/// to the pixel, times the pixel (so zero where there is no ink), through Burn's autodiff on
/// `device`'s autodiff twin. Positive where the ink made `digit` more likely. `[784]`, on the
/// device, for an asynchronous read-back.
#[cfg(feature = "autodiff")]
pub fn gradient(
    model: &crate::Cnn,
    input: &[f32; IMAGE_PIXELS],
    digit: usize,
    device: &burn::tensor::Device,
) -> burn::tensor::Tensor<1> {
    use burn::module::Module;

    let device = device.clone().autodiff();
    // Validation mode: no dropout, and no gradients kept for the parameters.
    let model = model.valid().fork(&device);
    let image = crate::network::images_tensor(&[*input], &device).require_grad();
    let logit = model
        .forward(image.clone())
        .narrow(1, digit.min(crate::NUM_CLASSES - 1), 1)
        .sum();
    let grads = logit.backward();
    let gradient = image.grad(&grads).expect("the input requires its gradient");
    (gradient * image.inner()).flatten::<1>(0, 3)
}

/// Top-left corners of the blanked squares, row by row.
fn positions() -> impl Iterator<Item = (usize, usize)> {
    let steps = (IMAGE_SIDE - PATCH) / STRIDE + 1;
    (0..steps).flat_map(move |row| (0..steps).map(move |col| (col * STRIDE, row * STRIDE)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "autodiff")]
    #[test]
    fn the_gradient_is_zero_off_the_ink_and_matches_a_small_change_of_a_pixel() {
        use burn::tensor::Device;

        let device = Device::flex();
        let model = crate::Cnn::new(&device);
        let mut input = [0f32; IMAGE_PIXELS];
        for y in 6..22 {
            input[y * IMAGE_SIDE + 13] = 1.0;
            input[y * IMAGE_SIDE + 14] = 0.8;
        }
        let scores = gradient(&model, &input, 3, &device)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        assert_eq!(scores.len(), IMAGE_PIXELS);
        assert!(scores.iter().all(|s| s.is_finite()));
        for (s, x) in scores.iter().zip(&input) {
            if *x == 0.0 {
                assert_eq!(*s, 0.0);
            }
        }
        // Scaling one ink pixel by (1 + h) changes the logit by about h times its score.
        let pixel = 10 * IMAGE_SIDE + 13;
        let logit = |x: &[f32; IMAGE_PIXELS]| {
            let (logits, _) = model.classify(&[*x], &device);
            logits.into_data().try_to_vec::<f32>().unwrap()[3]
        };
        let h = 1e-2;
        let mut nudged = input;
        nudged[pixel] *= 1.0 + h;
        let change = (logit(&nudged) - logit(&input)) / h;
        assert!(
            (change - scores[pixel]).abs() < 1e-2 + 0.05 * change.abs(),
            "{change} vs {}",
            scores[pixel]
        );
    }

    #[test]
    fn the_squares_cover_the_whole_input() {
        let copies = occluded(&[1.0; IMAGE_PIXELS]);
        assert_eq!(copies.len(), 13 * 13);
        let mut covered = [false; IMAGE_PIXELS];
        for copy in &copies {
            assert_eq!(copy.iter().filter(|&&v| v == 0.0).count(), PATCH * PATCH);
            for (c, v) in covered.iter_mut().zip(copy) {
                *c |= *v == 0.0;
            }
        }
        assert!(covered.iter().all(|&c| c));
    }

    #[test]
    fn pixels_whose_blanking_lowers_the_logit_score_high() {
        // A "network" whose logit is the ink in the top-left quarter.
        let input = [1.0; IMAGE_PIXELS];
        let logit = |image: &[f32; IMAGE_PIXELS]| -> f32 {
            (0..14)
                .flat_map(|y| (0..14).map(move |x| (x, y)))
                .map(|(x, y)| image[y * IMAGE_SIDE + x])
                .sum()
        };
        let logits: Vec<f32> = occluded(&input).iter().map(logit).collect();
        let s = scores(logit(&input), &logits);
        assert!(s[IMAGE_SIDE + 1] > 0.0);
        assert_eq!(s[20 * IMAGE_SIDE + 20], 0.0);
    }
}
