//! A digit image thinned to its one-pixel skeleton (Zhang–Suen) and read as pen strokes, so
//! that a scanned MNIST digit can be drawn again the way the pad draws.

use super::ends::{Ends, SPUR_REACH};
use super::loops::open_filled_loops;
use super::solid;
use super::trace::{Pixel, Skeleton};
use crate::strokes::{PEN_SHARE, Stroke};
use crate::{IMAGE_PIXELS, IMAGE_SIDE};

/// How many times finer than the input [`strokes`] thins a digit. Thinned at 28 px, a pencil
/// stroke's jagged edge sprouts spurs, a thick stroke's line wanders and a small loop can close
/// up, so the redrawn digit is not quite the one written: the shipped weights read MNIST's
/// 10,000 test digits thinned at 28 px and redrawn 97.70 % right, thinned 4 times finer
/// 98.82 % (their scans 99.62 %; with the line ends of [`super::ends`], 98.79 %). Finer
/// still gains little.
pub const FINE: usize = 4;

/// The pen strokes of a 28×28 input (ink ≥ 0.5), in its pixel coordinates: its skeleton
/// thinned at [`FINE`] times its resolution with a solid stroke's outline smoothed (see
/// [`super::solid`]) and its filled loops opened first (see [`super::loops`]), its spurs left
/// out, traced into polylines with a
/// point every [`POINT_EVERY`] input pixels, and each loose end carried on to where the pen
/// stopped (see [`super::ends`]).
pub fn strokes(input: &[f32; IMAGE_PIXELS]) -> Vec<Stroke> {
    let side = IMAGE_SIDE * FINE;
    let mut ink = solid::ink(&enlarged(input), side, FINE);
    open_filled_loops(&mut ink, side);
    let mut on = ink.clone();
    thin(&mut on, side);
    let every = POINT_EVERY * FINE;
    // A line's direction at its end is taken over its last two input pixels.
    let ends = Ends::new(&ink, side, 2 * FINE);
    ends.prune(&mut on, SPUR_REACH * FINE as f32);
    let grid = Skeleton::new(&on, side);
    let pen_radius = PEN_SHARE / 2.0 * ends.ink_side();
    let to_input = |(x, y): (f32, f32)| ((x + 0.5) / FINE as f32, (y + 0.5) / FINE as f32);
    grid.polylines()
        .into_iter()
        .map(|line| {
            let last = line.len() - 1;
            let reversed: Vec<Pixel> = line.iter().rev().copied().collect();
            let points = line
                .iter()
                .enumerate()
                .filter(|&(i, _)| i % every == 0 || i == last)
                .map(|(_, &(x, y))| (x as f32, y as f32));
            ends.carried(&grid, &line, pen_radius)
                .into_iter()
                .chain(points)
                .chain(ends.carried(&grid, &reversed, pen_radius))
                .map(to_input)
                .collect()
        })
        .collect()
}

/// How far apart [`strokes`] puts the points of its polylines, in input pixels. Every second
/// pixel cuts the corners of a small loop: the shipped weights read the 10,000 pen digits
/// 98.74 % right so, 98.79 % with a point every pixel or every quarter pixel.
pub const POINT_EVERY: usize = 1;

/// The skeleton of a 28×28 input (ink ≥ 0.5), as a grid of booleans at its own resolution,
/// for finding a digit's parts (a stem, a loop).
pub fn skeleton(input: &[f32; IMAGE_PIXELS]) -> [bool; IMAGE_PIXELS] {
    let mut on: [bool; IMAGE_PIXELS] = std::array::from_fn(|i| input[i] >= 0.5);
    thin(&mut on, IMAGE_SIDE);
    on
}

/// A 28×28 skeleton as strokes in its pixel coordinates (pixel centres).
pub fn skeleton_strokes(skeleton: &[bool; IMAGE_PIXELS]) -> Vec<Stroke> {
    segments(skeleton, IMAGE_SIDE, 1.0)
}

/// `input` enlarged [`FINE`] times by bilinear interpolation.
fn enlarged(input: &[f32; IMAGE_PIXELS]) -> Vec<f32> {
    let last = IMAGE_SIDE - 1;
    let at = |x: usize, y: usize| input[y.min(last) * IMAGE_SIDE + x.min(last)];
    let side = IMAGE_SIDE * FINE;
    (0..side * side)
        .map(|i| {
            let to_input = |v: usize| ((v as f32 + 0.5) / FINE as f32 - 0.5).max(0.0);
            let (fx, fy) = (to_input(i % side), to_input(i / side));
            let (x, y) = (fx as usize, fy as usize);
            let (dx, dy) = (fx - x as f32, fy - y as f32);
            let top = at(x, y) * (1.0 - dx) + at(x + 1, y) * dx;
            let bottom = at(x, y + 1) * (1.0 - dx) + at(x + 1, y + 1) * dx;
            top * (1.0 - dy) + bottom * dy
        })
        .collect()
}

/// Zhang–Suen thinning of a `side`×`side` grid, in place, to one-pixel lines.
fn thin(on: &mut [bool], side: usize) {
    let side = side as i32;
    let at = |on: &[bool], x: i32, y: i32| {
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
                        at(on, x, y - 1),
                        at(on, x + 1, y - 1),
                        at(on, x + 1, y),
                        at(on, x + 1, y + 1),
                        at(on, x, y + 1),
                        at(on, x - 1, y + 1),
                        at(on, x - 1, y),
                        at(on, x - 1, y - 1),
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
            return;
        }
    }
}

/// A `side`×`side` skeleton as strokes, its pixel centres divided by `scale`: a short stroke
/// between every two joined pixels (see [`Skeleton::joined`]), and a dot for a pixel on its own.
fn segments(skeleton: &[bool], side: usize, scale: f32) -> Vec<Stroke> {
    let grid = Skeleton::new(skeleton, side);
    let centre = |(x, y): Pixel| ((x as f32 + 0.5) / scale, (y as f32 + 0.5) / scale);
    let index = |(x, y): Pixel| y * side + x;
    let mut strokes = Vec::new();
    for p in grid.pixels() {
        let mut alone = true;
        for q in grid.joined(p) {
            alone = false;
            // Each pair once: from the pixel that comes first in reading order.
            if index(q) > index(p) {
                strokes.push(vec![centre(p), centre(q)]);
            }
        }
        if alone {
            strokes.push(vec![centre(p)]);
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
    fn fine_strokes_are_one_line_in_the_inputs_pixels() {
        // A pencil stroke four pixels wide, slanted, with soft edges as MNIST scans them.
        let stroke: [f32; IMAGE_PIXELS] = std::array::from_fn(|i| {
            let (x, y) = ((i % IMAGE_SIDE) as f32 + 0.5, (i / IMAGE_SIDE) as f32 + 0.5);
            let off = ((20.0 - x) - (y - 4.0) * 0.5).abs();
            let inside = (4.0..24.0).contains(&y);
            if inside {
                (2.6 - off).clamp(0.0, 1.0)
            } else {
                0.0
            }
        });
        let fine = strokes(&stroke);
        assert_eq!(fine.len(), 1, "one line: {fine:?}");
        let ys = fine.iter().flatten().map(|p| p.1);
        let (top, bottom) = ys.fold((f32::MAX, f32::MIN), |(t, b), y| (t.min(y), b.max(y)));
        assert!(
            top > 4.0 && top < 7.0 && bottom > 21.0 && bottom < 24.0,
            "{top}..{bottom}"
        );
    }

    #[test]
    fn a_solid_bar_with_a_ragged_edge_thins_to_its_centre_line() {
        // A 1 written with a marker and scanned coarsely: 7 pixels wide, 20 tall, each side
        // bulging out a pixel here and there.
        let bulges = |y: usize, phase: usize| (y + phase) % 7 < 3;
        let bar = image(|x, y| {
            let left = if bulges(y, 0) { 10 } else { 11 };
            let right = if bulges(y, 4) { 19 } else { 18 };
            (4..24).contains(&y) && (left..right).contains(&x)
        });
        let lines = strokes(&bar);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let (left, right) = x_span(&lines);
        assert!(left > 13.5 && right < 15.5, "{left}..{right}: {lines:?}");
    }

    /// The leftmost and rightmost x of `strokes`.
    fn x_span(strokes: &[Stroke]) -> (f32, f32) {
        strokes
            .iter()
            .flatten()
            .fold((f32::MAX, f32::MIN), |(l, r), p| (l.min(p.0), r.max(p.0)))
    }

    #[test]
    fn a_thick_strokes_line_goes_on_to_where_the_pen_stopped() {
        // A bar five pixels thick: thinned, its line stops about that far short of each end.
        let bar = image(|x, y| (6..22).contains(&x) && (12..17).contains(&y));
        let lines = strokes(&bar);
        assert_eq!(lines.len(), 1, "{lines:?}");
        // A pen of the pad's width (16 % of the 16-pixel bar) drawn along it from end to end
        // leaves the ink where it was: its centre stops 1.3 pixels inside each end.
        let (left, right) = x_span(&lines);
        assert!((7.0..7.8).contains(&left), "{left}");
        assert!((20.2..21.0).contains(&right), "{right}");
    }

    #[test]
    fn a_staircase_step_is_joined_by_its_sides_only() {
        let mut step = [false; IMAGE_PIXELS];
        for (x, y) in [(5, 5), (6, 5), (6, 6)] {
            step[y * IMAGE_SIDE + x] = true;
        }
        let joins = skeleton_strokes(&step);
        assert_eq!(joins.len(), 2, "{joins:?}");
        assert!(!joins.contains(&vec![(5.5, 5.5), (6.5, 6.5)]));
    }

    #[test]
    fn a_lone_pixel_is_a_dot() {
        let mut thin = [false; IMAGE_PIXELS];
        thin[5 * IMAGE_SIDE + 5] = true;
        assert_eq!(skeleton_strokes(&thin), vec![vec![(5.5, 5.5)]]);
    }
}
