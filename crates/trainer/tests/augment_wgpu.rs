//! The shared augmentation computes the same on the wgpu backend as on flex (Mesa's lavapipe on
//! a machine without a GPU). Needs a `--features wgpu` build.
#![cfg(feature = "wgpu")]

use burn::tensor::{Device, Tensor, TensorData};
use mnist_model::augment::Augmentation;
use rand::SeedableRng;
use rand::rngs::SmallRng;

/// A vertical bar, as a 28×28 image.
fn bar(device: &Device) -> Tensor<4> {
    let mut pixels = vec![0f32; 28 * 28];
    for y in 6..22 {
        for x in 13..15 {
            pixels[y * 28 + x] = 1.0;
        }
    }
    Tensor::from_data(TensorData::new(pixels, [1, 1, 28, 28]), device)
}

#[test]
fn wgpu_augments_like_flex() {
    let on = |device: &Device| {
        Augmentation::default()
            .apply(bar(device), &mut SmallRng::seed_from_u64(3))
            .into_data()
            .try_to_vec::<f32>()
            .unwrap()
    };
    let flex = on(&Device::flex());
    let wgpu = on(&Device::wgpu(burn::tensor::DeviceKind::DefaultDevice));
    let worst = flex
        .iter()
        .zip(&wgpu)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(worst < 1e-4, "max difference {worst}");
}
