//! Where the lines of a thinned digit end. Thinning eats into every line from its end about as
//! far as the stroke is thick, so a thick stroke's skeleton stops short of where the pen
//! stopped (the base of a 2 can shrink to a stub), and it sprouts short lines where a stroke's
//! edge is rough. Both are measured against the ink: a line with a loose end is a spur when it
//! reaches barely further than the stroke it leaves is thick, and a line's end goes on
//! straight through the ink to where a pen of the pad's width would have stopped.

use super::trace::{Pixel, Skeleton};
use crate::preprocess::{Plane, bounding_box};

/// How far a line with a loose end must reach out of the stroke it leaves not to be a spur, in
/// input pixels. Measured on the 10,000 MNIST test digits redrawn (`trainer heldout`, `pen`):
/// 1 px reads them as well as keeping every spur does, 2.5 px loses real lines (the arm of a 4).
pub const SPUR_REACH: f32 = 1.0;

/// A thinned digit's ink, `side`×`side`, to measure its lines' ends against.
pub struct Ends<'a> {
    ink: &'a [bool],
    side: usize,
    /// Every ink pixel's distance to the nearest blank one, in pixels.
    depth: Vec<f32>,
    /// How many pixels back from its end a line's direction is taken over.
    look: usize,
}

impl<'a> Ends<'a> {
    /// # Panics
    /// If `ink` does not hold `side`×`side` pixels.
    pub fn new(ink: &'a [bool], side: usize, look: usize) -> Self {
        assert_eq!(ink.len(), side * side, "the ink is side×side pixels");
        Self {
            ink,
            side,
            depth: depth(ink, side),
            look,
        }
    }

    fn inked(&self, x: f32, y: f32) -> bool {
        let (x, y) = (x.round(), y.round());
        let side = self.side as f32;
        (0.0..side).contains(&x)
            && (0.0..side).contains(&y)
            && self.ink[y as usize * self.side + x as usize]
    }

    /// The longer side of the box around the ink, in pixels.
    pub fn ink_side(&self) -> f32 {
        let plane = Plane {
            width: self.side,
            height: self.side,
            values: self.ink.iter().map(|&on| f32::from(u8::from(on))).collect(),
        };
        bounding_box(&plane).map_or(0.0, |(x0, y0, x1, y1)| (x1 - x0).max(y1 - y0) as f32)
    }

    /// How far the ink goes on straight past the end `line[0]` of a line, in pixels, and the
    /// line's direction there.
    fn reach(&self, line: &[Pixel]) -> (f32, (f32, f32)) {
        let (end, back) = (line[0], line[self.look.min(line.len() - 1)]);
        let (dx, dy) = (end.0 as f32 - back.0 as f32, end.1 as f32 - back.1 as f32);
        let length = dx.hypot(dy);
        if length == 0.0 {
            return (0.0, (0.0, 0.0));
        }
        let direction = (dx / length, dy / length);
        let mut reach = 0.0;
        while self.inked(
            end.0 as f32 + (reach + 1.0) * direction.0,
            end.1 as f32 + (reach + 1.0) * direction.1,
        ) {
            reach += 1.0;
        }
        (reach, direction)
    }

    /// Where a pen `pen_radius` pixels round, going on straight past `line[0]`, would have
    /// stopped with its edge at the ink's: `None` where `line[0]` is no loose end of `grid` or
    /// the line reaches that far already.
    pub fn carried(&self, grid: &Skeleton, line: &[Pixel], pen_radius: f32) -> Option<(f32, f32)> {
        if line.len() < 2 || grid.degree(line[0]) != 1 {
            return None;
        }
        let (reach, (dx, dy)) = self.reach(line);
        let on = reach - pen_radius;
        (on > 0.0).then(|| (line[0].0 as f32 + on * dx, line[0].1 as f32 + on * dy))
    }

    /// Removes from `skeleton` (thinned from this ink) the lines with a loose end that reach
    /// less than `min_reach` pixels out of the stroke they leave: past the circle that the
    /// ink's depth draws round the pixel where they join it.
    pub fn prune(&self, skeleton: &mut [bool], min_reach: f32) {
        let spurs: Vec<Vec<Pixel>> = {
            let grid = Skeleton::new(skeleton, self.side);
            grid.pixels()
                .filter(|&p| grid.degree(p) == 1)
                .filter_map(|end| {
                    let (line, joint) = to_joint(&grid, end)?;
                    let out = line.len() as f32 + self.reach(&line).0
                        - self.depth[joint.1 * self.side + joint.0];
                    (out < min_reach).then_some(line)
                })
                .collect()
        };
        for (x, y) in spurs.into_iter().flatten() {
            skeleton[y * self.side + x] = false;
        }
    }
}

/// From the loose end `end` along the line to the first pixel where lines meet: the line's
/// pixels (that one left out) and that pixel. `None` where the line ends loose at both ends.
fn to_joint(grid: &Skeleton, end: Pixel) -> Option<(Vec<Pixel>, Pixel)> {
    let mut line = vec![end];
    let mut before = None;
    let mut at = end;
    loop {
        let next = grid.joined(at).find(|&q| Some(q) != before)?;
        match grid.degree(next) {
            2 => {
                line.push(next);
                before = Some(at);
                at = next;
            }
            1 => return None,
            _ => return Some((line, next)),
        }
    }
}

/// Every ink pixel's distance to the nearest blank one (chamfer distances 3 and 4 for a side
/// and a diagonal step, two passes), in pixels; outside the grid is blank.
pub(super) fn depth(ink: &[bool], side: usize) -> Vec<f32> {
    const FAR: u32 = u32::MAX / 4;
    let mut d: Vec<u32> = ink.iter().map(|&on| if on { FAR } else { 0 }).collect();
    let steps = [(-1, 0, 3), (-1, -1, 4), (0, -1, 3), (1, -1, 4)];
    let s = side as isize;
    let at = |d: &[u32], x: isize, y: isize| {
        if (0..s).contains(&x) && (0..s).contains(&y) {
            d[(y * s + x) as usize]
        } else {
            0
        }
    };
    for backwards in [false, true] {
        for i in 0..side * side {
            let i = if backwards { side * side - 1 - i } else { i };
            if d[i] == 0 {
                continue;
            }
            let (x, y) = ((i % side) as isize, (i / side) as isize);
            let sign = if backwards { -1 } else { 1 };
            d[i] = steps.iter().fold(d[i], |best, &(dx, dy, cost)| {
                best.min(at(&d, x + sign * dx, y + sign * dy) + cost)
            });
        }
    }
    d.into_iter().map(|v| v as f32 / 3.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upright stroke 9 pixels thick and its centre line, on a 24×24 grid, with a line
    /// `length` pixels long out to the right from its middle, and ink for it as far as `ink_to`.
    fn stroke_with_a_line(length: usize, ink_to: usize) -> (Vec<bool>, Vec<bool>) {
        let side = 24;
        let grid = |on: &dyn Fn(usize, usize) -> bool| -> Vec<bool> {
            (0..side * side).map(|i| on(i % side, i / side)).collect()
        };
        let ink = grid(&|x, y| {
            (2..22).contains(&y) && ((8..17).contains(&x) || ((11..14).contains(&y) && x < ink_to))
        });
        let skeleton = grid(&|x, y| {
            (x == 12 && (3..21).contains(&y)) || (y == 12 && (12..13 + length).contains(&x))
        });
        (ink, skeleton)
    }

    #[test]
    fn a_line_that_barely_leaves_its_stroke_is_a_spur_and_an_arm_is_not() {
        // Two pixels out from the centre of a stroke 9 thick: a tick inside the ink.
        let (ink, mut skeleton) = stroke_with_a_line(2, 17);
        Ends::new(&ink, 24, 8).prune(&mut skeleton, 1.0);
        assert!(
            !skeleton[12 * 24 + 13] && !skeleton[12 * 24 + 14],
            "the spur is gone"
        );
        assert!(
            skeleton[12 * 24 + 12] && skeleton[3 * 24 + 12],
            "the stroke stays"
        );
        // Ten pixels out, five past the stroke's edge: an arm.
        let (ink, mut skeleton) = stroke_with_a_line(10, 23);
        let before = skeleton.clone();
        Ends::new(&ink, 24, 8).prune(&mut skeleton, 1.0);
        assert_eq!(skeleton, before, "the arm stays");
    }

    #[test]
    fn a_loose_end_is_carried_on_to_where_the_pen_stopped() {
        let (ink, skeleton) = stroke_with_a_line(2, 23);
        let grid = Skeleton::new(&skeleton, 24);
        let ends = Ends::new(&ink, 24, 8);
        // The line ends at x = 14; the ink goes on to x = 22; a pen 2 pixels round stops at 20.
        let (x, y) = ends
            .carried(&grid, &[(14, 12), (13, 12), (12, 12)], 2.0)
            .unwrap();
        assert_eq!((x, y), (20.0, 12.0));
        // Not from a pixel where lines meet, nor where the ink stops within the pen's reach.
        assert_eq!(ends.carried(&grid, &[(12, 12), (12, 11)], 2.0), None);
        assert_eq!(ends.carried(&grid, &[(14, 12), (13, 12)], 9.0), None);
    }

    #[test]
    fn depth_is_the_distance_to_the_blank() {
        let side = 9;
        // A bar 5 pixels thick across the grid.
        let ink: Vec<bool> = (0..side * side)
            .map(|i| (2..7).contains(&(i / side)))
            .collect();
        let d = depth(&ink, side);
        let column: Vec<f32> = (0..side).map(|y| d[y * side + 4]).collect();
        assert_eq!(column, [0.0, 0.0, 1.0, 2.0, 3.0, 2.0, 1.0, 0.0, 0.0]);
    }
}
