//! A Gaussian blur of a square grid of values, for the augmentations that smooth (a random
//! displacement field, a solid stroke's outline).

/// `values` (`side`×`side`) blurred by a Gaussian of `sigma` pixels, zero beyond the edges.
pub fn gaussian(values: &[f32], side: usize, sigma: f32) -> Vec<f32> {
    let radius = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f32> = (-radius..=radius)
        .map(|k| (-(k * k) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f32 = kernel.iter().sum();
    let kernel: Vec<f32> = kernel.iter().map(|k| k / total).collect();
    let s = side as isize;
    let pass = |source: &[f32], across: bool| -> Vec<f32> {
        (0..side * side)
            .map(|i| {
                let (x, y) = (i as isize % s, i as isize / s);
                kernel
                    .iter()
                    .zip(-radius..=radius)
                    .filter_map(|(w, k)| {
                        let (sx, sy) = if across { (x + k, y) } else { (x, y + k) };
                        ((0..s).contains(&sx) && (0..s).contains(&sy))
                            .then(|| w * source[(sy * s + sx) as usize])
                    })
                    .sum()
            })
            .collect()
    };
    pass(&pass(values, true), false)
}
