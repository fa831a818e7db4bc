//! Loops a thick pen filled in. Where a writer's pen is thick and a loop small (the head of a
//! 9, the loops of an 8), the scan shows a solid blob, and thinning finds a line through it:
//! redrawn, the 9 is a bare curve. A loop drawn with a pen of half-width `h` whose hole closed
//! up is a blob deeper than the stroke is wide, and its centre line runs `h` inside the blob's
//! edge, so taking out the ink deeper than the stroke leaves a ring of about the stroke's own
//! width for thinning to find the loop in. A stroke that is merely heavier in one place leaves
//! a long thread of a core, far longer than wide, and is left alone.

use super::ends::depth;
use crate::preprocess::{self, Plane};

/// How deep, in stroke half-widths, ink must lie to be a filled loop's hole: deeper than where
/// two strokes cross (√2), with a margin for a pencil's uneven width. Chosen with
/// [`MAX_STRETCH`] on the 10,000 MNIST test digits and the real writers' 786, redrawn
/// (`trainer heldout`; docs/handwriting.md, "Filled loops").
const LOOP_DEPTH: f32 = 1.55;

/// The least area of a filled loop's hole, in the grid's pixels: smaller than a pen's dot, it
/// would be drawn full again.
const MIN_HOLE: usize = 4;

/// How much longer than wide a hole may be, as the ratio of the spreads of its pixels along
/// its two axes: more is a thick stretch of stroke, not a loop. A 9's filled head is often
/// drawn out along its stroke: 2.5 left most of them shut.
const MAX_STRETCH: f32 = 5.0;

/// Opens the filled loops of `ink` (`side`×`side`), in place.
pub fn open_filled_loops(ink: &mut [bool], side: usize) {
    let depth = depth(ink, side);
    let Some(half_width) = half_width(&depth, side) else {
        return;
    };
    let deep: Vec<bool> = depth.iter().map(|&d| d > LOOP_DEPTH * half_width).collect();
    for hole in components(&deep, side) {
        if hole.len() >= MIN_HOLE && stretch(&hole, side) <= MAX_STRETCH {
            for i in hole {
                ink[i] = false;
            }
        }
    }
}

/// The stroke's typical half-width: the median depth of its ridge, the pixels no neighbour is
/// deeper than. `None` without ink.
pub(super) fn half_width(depth: &[f32], side: usize) -> Option<f32> {
    let s = side as isize;
    let at = |x: isize, y: isize| {
        if (0..s).contains(&x) && (0..s).contains(&y) {
            depth[(y * s + x) as usize]
        } else {
            0.0
        }
    };
    let mut ridge: Vec<f32> = (0..side * side)
        .filter(|&i| depth[i] > 0.0)
        .filter(|&i| {
            let (x, y) = ((i % side) as isize, (i / side) as isize);
            NEIGHBOURS
                .iter()
                .all(|&(dx, dy)| at(x + dx, y + dy) <= depth[i])
        })
        .map(|i| depth[i])
        .collect();
    if ridge.is_empty() {
        return None;
    }
    let middle = ridge.len() / 2;
    Some(*ridge.select_nth_unstable_by(middle, f32::total_cmp).1)
}

const NEIGHBOURS: [(isize, isize); 8] = [
    (-1, -1),
    (0, -1),
    (1, -1),
    (-1, 0),
    (1, 0),
    (-1, 1),
    (0, 1),
    (1, 1),
];

/// The 8-connected groups of `on` pixels (`side`×`side`), as lists of indices.
fn components(on: &[bool], side: usize) -> Vec<Vec<usize>> {
    let plane = Plane {
        width: side,
        height: side,
        values: on.iter().map(|&v| f32::from(u8::from(v))).collect(),
    };
    let (label, found) = preprocess::components(&plane);
    let mut groups = vec![Vec::new(); found.len()];
    for (i, &id) in label.iter().enumerate() {
        if id != u32::MAX {
            groups[id as usize].push(i);
        }
    }
    groups
}

/// How much longer than wide `pixels` are: the square root of the ratio of the larger to the
/// smaller eigenvalue of their coordinates' covariance (1 for a disc).
fn stretch(pixels: &[usize], side: usize) -> f32 {
    let n = pixels.len() as f32;
    let xy = |&i: &usize| ((i % side) as f32, (i / side) as f32);
    let (sx, sy) = pixels
        .iter()
        .map(xy)
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (mut xx, mut yy, mut xy_) = (0.0, 0.0, 0.0);
    for (x, y) in pixels.iter().map(xy) {
        let (dx, dy) = (x - mx, y - my);
        xx += dx * dx;
        yy += dy * dy;
        xy_ += dx * dy;
    }
    // A pixel's own spread (1/12 along each axis) keeps a line of pixels from dividing by 0.
    let (xx, yy, xy_) = (xx / n + 1.0 / 12.0, yy / n + 1.0 / 12.0, xy_ / n);
    let mean = (xx + yy) / 2.0;
    let spread = (((xx - yy) / 2.0).powi(2) + xy_ * xy_).sqrt();
    ((mean + spread) / (mean - spread)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIDE: usize = 64;

    fn grid(on: impl Fn(f32, f32) -> bool) -> Vec<bool> {
        (0..SIDE * SIDE)
            .map(|i| on((i % SIDE) as f32 + 0.5, (i / SIDE) as f32 + 0.5))
            .collect()
    }

    /// A 9 drawn with a pen 8 pixels wide: a loop of radius `loop_radius` round (30, 20) and
    /// a stem down its right side.
    fn nine(loop_radius: f32) -> Vec<bool> {
        grid(|x, y| {
            let ring = ((x - 30.0).hypot(y - 20.0) - loop_radius).abs() <= 4.0;
            let stem = (x - (30.0 + loop_radius)).abs() <= 4.0 && (20.0..56.0).contains(&y);
            ring || stem
        })
    }

    #[test]
    fn a_filled_loop_is_opened_where_its_centre_line_ran() {
        // Radius 4 with a pen 8 wide: the hole closed up.
        let mut ink = nine(4.0);
        assert!(ink[20 * SIDE + 30], "filled");
        open_filled_loops(&mut ink, SIDE);
        assert!(!ink[20 * SIDE + 30], "opened at the loop's centre");
        assert!(ink[20 * SIDE + 26] && ink[20 * SIDE + 23], "the ring stays");
        assert!(ink[50 * SIDE + 35], "the stem stays");
    }

    #[test]
    fn open_loops_and_even_strokes_are_left_alone() {
        let open = nine(12.0);
        let mut ink = open.clone();
        open_filled_loops(&mut ink, SIDE);
        assert_eq!(ink, open);
        // A 1 as a solid bar: thick, but as thick everywhere.
        let bar = grid(|x, y| (24.0..38.0).contains(&x) && (6.0..58.0).contains(&y));
        let mut ink = bar.clone();
        open_filled_loops(&mut ink, SIDE);
        assert_eq!(ink, bar);
    }

    #[test]
    fn a_filled_loop_drawn_out_along_its_stroke_is_opened() {
        // A 9 whose head, filled by a pen 6 wide, is an oval 16 wide and 36 tall.
        let mut ink = grid(|x, y| {
            let head = ((x - 30.0) / 8.0).hypot((y - 20.0) / 18.0) <= 1.0;
            head || ((x - 35.0).abs() <= 3.0 && (20.0..62.0).contains(&y))
        });
        open_filled_loops(&mut ink, SIDE);
        assert!(!ink[20 * SIDE + 30], "opened at the head's centre");
        assert!(ink[20 * SIDE + 23], "the ring stays");
    }

    #[test]
    fn a_heavier_stretch_of_stroke_is_no_loop() {
        // A stroke 6 wide, 10 wide over half its length: deeper, but a thread of a core.
        let heavy = grid(|x, y| {
            let half = if y > 32.0 { 5.0 } else { 3.0 };
            (x - 32.0).abs() <= half && (4.0..60.0).contains(&y)
        });
        let mut ink = heavy.clone();
        open_filled_loops(&mut ink, SIDE);
        assert_eq!(ink, heavy);
    }
}
