//! A digit image thinned to its one-pixel skeleton (Zhang–Suen) and read as pen strokes, so
//! that a scanned MNIST digit can be drawn again the way the pad draws.

use crate::strokes::Stroke;
use crate::{IMAGE_PIXELS, IMAGE_SIDE};

/// The skeleton of a 28×28 input (ink ≥ 0.5), as a grid of booleans.
pub fn skeleton(input: &[f32; IMAGE_PIXELS]) -> [bool; IMAGE_PIXELS] {
    let mut on: [bool; IMAGE_PIXELS] = std::array::from_fn(|i| input[i] >= 0.5);
    let side = IMAGE_SIDE as i32;
    let at = |on: &[bool; IMAGE_PIXELS], x: i32, y: i32| {
        (0..side).contains(&x) && (0..side).contains(&y) && on[(y * side + x) as usize]
    };
    let mut remove = Vec::new();
    loop {
        let mut changed = false;
        for pass in 0..2 {
            remove.clear();
            for y in 0..side {
                for x in 0..side {
                    if !on[(y * side + x) as usize] {
                        continue;
                    }
                    // Neighbours clockwise from north: p2 … p9.
                    let p = [
                        at(&on, x, y - 1),
                        at(&on, x + 1, y - 1),
                        at(&on, x + 1, y),
                        at(&on, x + 1, y + 1),
                        at(&on, x, y + 1),
                        at(&on, x - 1, y + 1),
                        at(&on, x - 1, y),
                        at(&on, x - 1, y - 1),
                    ];
                    let count = p.iter().filter(|&&v| v).count();
                    let transitions = (0..8).filter(|&k| !p[k] && p[(k + 1) % 8]).count();
                    let (n, e, s, w) = (p[0], p[2], p[4], p[6]);
                    let keep_corner = if pass == 0 {
                        e && s && (n || w)
                    } else {
                        n && w && (e || s)
                    };
                    if (2..=6).contains(&count) && transitions == 1 && !keep_corner {
                        remove.push((y * side + x) as usize);
                    }
                }
            }
            for &i in &remove {
                on[i] = false;
            }
            changed |= !remove.is_empty();
        }
        if !changed {
            return on;
        }
    }
}

/// A skeleton as strokes in the input's pixel coordinates (pixel centres): a short stroke
/// between every two touching skeleton pixels, and a dot for a pixel on its own.
pub fn skeleton_strokes(skeleton: &[bool; IMAGE_PIXELS]) -> Vec<Stroke> {
    let side = IMAGE_SIDE;
    let on = |x: usize, y: usize| x < side && y < side && skeleton[y * side + x];
    let centre = |x: usize, y: usize| (x as f32 + 0.5, y as f32 + 0.5);
    let mut strokes = Vec::new();
    for y in 0..side {
        for x in 0..side {
            if !on(x, y) {
                continue;
            }
            let mut alone = true;
            // Each pair once: the neighbours after this pixel in reading order.
            let later = [
                (x + 1, y),
                (x.wrapping_sub(1), y + 1),
                (x, y + 1),
                (x + 1, y + 1),
            ];
            for &(nx, ny) in &later {
                if on(nx, ny) {
                    strokes.push(vec![centre(x, y), centre(nx, ny)]);
                    alone = false;
                }
            }
            let earlier = [
                (x.wrapping_sub(1), y),
                (x.wrapping_sub(1), y.wrapping_sub(1)),
                (x, y.wrapping_sub(1)),
                (x + 1, y.wrapping_sub(1)),
            ];
            alone &= !earlier.iter().any(|&(nx, ny)| on(nx, ny));
            if alone {
                strokes.push(vec![centre(x, y)]);
            }
        }
    }
    strokes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(ink: impl Fn(usize, usize) -> bool) -> [f32; IMAGE_PIXELS] {
        std::array::from_fn(|i| f32::from(u8::from(ink(i % IMAGE_SIDE, i / IMAGE_SIDE))))
    }

    #[test]
    fn a_thick_bar_thins_to_a_line_of_its_length() {
        let bar = image(|x, y| (12..16).contains(&x) && (4..24).contains(&y));
        let thin = skeleton(&bar);
        for y in 6..22 {
            let row = (0..IMAGE_SIDE)
                .filter(|&x| thin[y * IMAGE_SIDE + x])
                .count();
            assert_eq!(row, 1, "row {y}");
        }
        let strokes = skeleton_strokes(&thin);
        assert!(strokes.iter().all(|s| s.len() == 2), "no dots on a line");
    }

    #[test]
    fn a_ring_keeps_its_hole() {
        let ring = image(|x, y| {
            let d = ((x as f32 - 13.5).powi(2) + (y as f32 - 13.5).powi(2)).sqrt();
            (5.0..9.0).contains(&d)
        });
        let thin = skeleton(&ring);
        assert!(!thin[14 * IMAGE_SIDE + 14]);
        // Still closed: every row through the hole crosses the ring twice.
        let row = (0..IMAGE_SIDE)
            .filter(|&x| thin[14 * IMAGE_SIDE + x])
            .count();
        assert!(row >= 2);
    }

    #[test]
    fn a_lone_pixel_is_a_dot() {
        let mut thin = [false; IMAGE_PIXELS];
        thin[5 * IMAGE_SIDE + 5] = true;
        assert_eq!(skeleton_strokes(&thin), vec![vec![(5.5, 5.5)]]);
    }
}
