//! Affine augmentation with Burn's own image ops (affine grid + grid sampling, and grey-level
//! dilation and erosion), so that digits drawn on a pad or photographed, which vary in slant,
//! size, position and pen width more than MNIST does, are recognised. On the device of the
//! images it is given, so training natively and fine-tuning in the page augment alike.

use burn::tensor::grid::affine_grid_2d;
use burn::tensor::ops::{GridSampleOptions, GridSamplePaddingMode, InterpolateMode, PadMode};
use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;

/// Ranges of the random transformations, per image.
#[derive(Debug, Clone, Copy)]
pub struct Augmentation {
    /// Largest rotation either way, in degrees.
    pub rotation_degrees: f32,
    /// Relative zoom range; the digit box of MNIST (20 of 28 px) leaves room to grow a little.
    pub scale: (f32, f32),
    /// Extra horizontal/vertical stretch factor range (handwriting is wider or narrower).
    pub aspect: (f32, f32),
    /// Largest shear factor either way (slant).
    pub shear: f32,
    /// Largest shift either way, in pixels.
    pub shift_pixels: f32,
    /// Stroke weight change: negative thins (erosion), positive thickens (dilation).
    pub stroke: (f32, f32),
}

impl Default for Augmentation {
    fn default() -> Self {
        Self {
            rotation_degrees: 12.0,
            scale: (0.85, 1.12),
            aspect: (0.85, 1.15),
            shear: 0.2,
            shift_pixels: 2.5,
            stroke: (-0.5, 1.0),
        }
    }
}

impl Augmentation {
    /// Applies one random transformation to each image of `images` `[batch, 1, h, w]`.
    pub fn apply(&self, images: Tensor<4>, rng: &mut impl Rng) -> Tensor<4> {
        let device = images.device();
        let [batch, _, height, width] = images.dims();
        let mut theta = Vec::with_capacity(batch * 6);
        let mut stroke = Vec::with_capacity(batch);
        for _ in 0..batch {
            theta.extend(self.inverse_affine(rng, width, height));
            stroke.push(rng.random_range(self.stroke.0..=self.stroke.1));
        }
        let theta = Tensor::<3>::from_data(TensorData::new(theta, [batch, 2, 3]), &device);
        let grid = affine_grid_2d(theta, images.dims());
        let options = GridSampleOptions::new(InterpolateMode::Bilinear)
            .with_padding_mode(GridSamplePaddingMode::Zeros)
            .with_align_corners(true);
        let moved = images.grid_sample_2d(grid, options);
        reweight_strokes(moved, stroke, &device)
    }

    /// The 2×3 matrix mapping output coordinates to input ones (what `affine_grid_2d` takes),
    /// in the normalised −1..1 coordinates of the grid.
    fn inverse_affine(&self, rng: &mut impl Rng, width: usize, height: usize) -> [f32; 6] {
        let angle = rng
            .random_range(-self.rotation_degrees..=self.rotation_degrees)
            .to_radians();
        let zoom = rng.random_range(self.scale.0..=self.scale.1);
        let aspect = rng.random_range(self.aspect.0..=self.aspect.1).sqrt();
        let (sx, sy) = (zoom * aspect, zoom / aspect);
        let shear = rng.random_range(-self.shear..=self.shear);
        let tx =
            rng.random_range(-self.shift_pixels..=self.shift_pixels) / ((width - 1) as f32 / 2.0);
        let ty =
            rng.random_range(-self.shift_pixels..=self.shift_pixels) / ((height - 1) as f32 / 2.0);
        // Forward: p' = R·Sh·S·p + t. Inverse: p = S⁻¹·Sh⁻¹·R⁻¹·(p' − t).
        let (sin, cos) = angle.sin_cos();
        let r_inv = [[cos, sin], [-sin, cos]];
        let sh_inv = [[1.0, -shear], [0.0, 1.0]];
        let mut m = [[0.0f32; 2]; 2];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = (0..2).map(|k| sh_inv[i][k] * r_inv[k][j]).sum();
            }
        }
        let a = [[m[0][0] / sx, m[0][1] / sx], [m[1][0] / sy, m[1][1] / sy]];
        let bx = -(a[0][0] * tx + a[0][1] * ty);
        let by = -(a[1][0] * tx + a[1][1] * ty);
        [a[0][0], a[0][1], bx, a[1][0], a[1][1], by]
    }
}

/// Blends each image towards its 3×3 dilation (weight > 0) or erosion (weight < 0).
fn reweight_strokes(images: Tensor<4>, weights: Vec<f32>, device: &Device) -> Tensor<4> {
    let batch = weights.len();
    let thicker = neighbourhood(images.clone(), Tensor::max_pair);
    let thinner = neighbourhood(images.clone(), Tensor::min_pair);
    let grow: Vec<f32> = weights.iter().map(|w| w.max(0.0)).collect();
    let shrink: Vec<f32> = weights.iter().map(|w| (-w).max(0.0)).collect();
    let column = |v: Vec<f32>| Tensor::<4>::from_data(TensorData::new(v, [batch, 1, 1, 1]), device);
    let out = images.clone()
        + (thicker - images.clone()) * column(grow)
        + (thinner - images) * column(shrink);
    out.clamp(0.0, 1.0)
}

/// Reduces each pixel's 3×3 neighbourhood with `pick` (max: grey dilation, min: erosion).
/// Built from shifted copies rather than a pooling kernel, so every backend agrees (the wgpu
/// backend's stride-1 padded max-pool did not, on lavapipe).
fn neighbourhood(images: Tensor<4>, pick: fn(Tensor<4>, Tensor<4>) -> Tensor<4>) -> Tensor<4> {
    let [batch, channels, height, width] = images.dims();
    let padded = images.pad((1, 1, 1, 1), PadMode::Edge);
    let mut out: Option<Tensor<4>> = None;
    for dy in 0..3 {
        for dx in 0..3 {
            let shifted =
                padded
                    .clone()
                    .slice([0..batch, 0..channels, dy..dy + height, dx..dx + width]);
            out = Some(match out {
                None => shifted,
                Some(acc) => pick(acc, shifted),
            });
        }
    }
    out.expect("nine shifts")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    fn bar() -> Tensor<4> {
        let mut pixels = vec![0f32; 28 * 28];
        for y in 6..22 {
            for x in 13..15 {
                pixels[y * 28 + x] = 1.0;
            }
        }
        Tensor::from_data(TensorData::new(pixels, [1, 1, 28, 28]), &Device::flex())
    }

    fn sum(t: Tensor<4>) -> f32 {
        t.sum().into_scalar::<f32>()
    }

    #[test]
    fn identity_settings_leave_images_unchanged() {
        let none = Augmentation {
            rotation_degrees: 0.0,
            scale: (1.0, 1.0),
            aspect: (1.0, 1.0),
            shear: 0.0,
            shift_pixels: 0.0,
            stroke: (0.0, 0.0),
        };
        let out = none.apply(bar(), &mut SmallRng::seed_from_u64(1));
        let diff = (out - bar()).abs().max().into_scalar::<f32>();
        assert!(diff < 1e-5, "{diff}");
    }

    #[test]
    fn thickening_adds_ink_and_thinning_removes_it() {
        let base = sum(bar());
        let thick = reweight_strokes(bar(), vec![1.0], &Device::flex());
        let thin = reweight_strokes(bar(), vec![-1.0], &Device::flex());
        assert!(sum(thick) > base * 1.5);
        assert!(sum(thin) < base * 0.5);
    }

    #[test]
    fn is_deterministic_for_a_seed_and_varies_between_seeds() {
        let a = Augmentation::default().apply(bar(), &mut SmallRng::seed_from_u64(7));
        let b = Augmentation::default().apply(bar(), &mut SmallRng::seed_from_u64(7));
        let c = Augmentation::default().apply(bar(), &mut SmallRng::seed_from_u64(8));
        assert_eq!(a.clone().into_data(), b.into_data());
        assert_ne!(a.into_data(), c.into_data());
    }
}
