//! Writing styles MNIST barely contains, made from MNIST digits' skeletons: the crossed 7 and
//! the flagged 1 written across Europe and Latin America, the 9 with a small loop on a long
//! tail, and the 4 with an open top. Each is the digit it was, with a stroke added, its loop
//! shrunk or its top opened, in proportions drawn at random within what people write.

use rand::Rng;

use super::skeleton::skeleton_strokes;
use crate::strokes::Stroke;
use crate::{IMAGE_PIXELS, IMAGE_SIDE};

/// A writing style, and the digit it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A 7 with a bar across its stem.
    CrossedSeven,
    /// A 1 with an up-stroke (flag) into its top, sometimes a base.
    FlaggedOne,
    /// A 9 whose loop is half to three quarters its usual size, on a longer tail.
    SmallLoopNine,
    /// A 4 whose arm and stem do not meet at the top: an arm down to the bar, the bar, and the
    /// stem apart.
    OpenFour,
}

impl Style {
    /// The style a digit of `label` can be written in, if any.
    pub fn for_label(label: u8) -> Option<Style> {
        match label {
            7 => Some(Style::CrossedSeven),
            1 => Some(Style::FlaggedOne),
            9 => Some(Style::SmallLoopNine),
            4 => Some(Style::OpenFour),
            _ => None,
        }
    }

    /// The digit whose `skeleton` is given, in this style, as strokes in its pixel
    /// coordinates; `None` where its shape does not allow it (no stem, no loop found).
    pub fn apply(self, skeleton: &[bool; IMAGE_PIXELS], rng: &mut impl Rng) -> Option<Vec<Stroke>> {
        let strokes = skeleton_strokes(skeleton);
        let ink = Ink::of(skeleton)?;
        match self {
            Style::CrossedSeven => cross(strokes, &ink, rng),
            Style::FlaggedOne => flag(strokes, &ink, rng),
            Style::SmallLoopNine => shrink_loop(strokes, skeleton, &ink, rng),
            Style::OpenFour => open_top(&strokes, &ink, rng),
        }
    }
}

/// The skeleton's box, in pixel-centre coordinates.
struct Ink {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Ink {
    fn of(skeleton: &[bool; IMAGE_PIXELS]) -> Option<Ink> {
        let mut ink: Option<Ink> = None;
        for (i, _) in skeleton.iter().enumerate().filter(|(_, on)| **on) {
            let (x, y) = centre(i);
            ink = Some(match ink {
                None => Ink {
                    x0: x,
                    y0: y,
                    x1: x,
                    y1: y,
                },
                Some(b) => Ink {
                    x0: b.x0.min(x),
                    y0: b.y0.min(y),
                    x1: b.x1.max(x),
                    y1: b.y1.max(y),
                },
            });
        }
        // A digit at least a quarter of the box tall has a shape to change.
        ink.filter(|b| b.y1 - b.y0 >= IMAGE_SIDE as f32 / 4.0)
    }

    fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    fn width(&self) -> f32 {
        self.x1 - self.x0
    }
}

fn centre(i: usize) -> (f32, f32) {
    ((i % IMAGE_SIDE) as f32 + 0.5, (i / IMAGE_SIDE) as f32 + 0.5)
}

/// The mean x of the strokes' points within half a pixel of height `y`.
fn stem_at(strokes: &[Stroke], y: f32) -> Option<f32> {
    let xs: Vec<f32> = strokes
        .iter()
        .flatten()
        .filter(|p| (p.1 - y).abs() <= 0.5)
        .map(|p| p.0)
        .collect();
    (!xs.is_empty()).then(|| xs.iter().sum::<f32>() / xs.len() as f32)
}

/// A straight stroke from `a` to `b`, as the pad records one (a point every pixel or so).
fn straight(a: (f32, f32), b: (f32, f32)) -> Stroke {
    let steps = ((b.0 - a.0).hypot(b.1 - a.1).ceil() as usize).max(1);
    (0..=steps)
        .map(|s| {
            let t = s as f32 / steps as f32;
            (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
        })
        .collect()
}

/// A bar across the 7's stem, a little below the middle, as long as a third to three fifths
/// of the digit's height, slightly tilted.
fn cross(mut strokes: Vec<Stroke>, ink: &Ink, rng: &mut impl Rng) -> Option<Vec<Stroke>> {
    let y = (ink.y0 + ink.height() * rng.random_range(0.45..0.62)).floor() + 0.5;
    let x = stem_at(&strokes, y)?;
    let length = ink.height() * rng.random_range(0.33..0.6);
    let left = length * rng.random_range(0.35..0.65);
    let tilt = length * rng.random_range(-0.1..0.1);
    strokes.push(straight(
        (x - left, y + tilt / 2.0),
        (x - left + length, y - tilt / 2.0),
    ));
    Some(strokes)
}

/// An up-stroke into the 1's top, 30–55° from the vertical and a fifth to two fifths of its
/// height long; in two of five, a base across its foot.
fn flag(mut strokes: Vec<Stroke>, ink: &Ink, rng: &mut impl Rng) -> Option<Vec<Stroke>> {
    // A wide "1" is some other shape; leave it.
    if ink.width() > ink.height() * 0.6 {
        return None;
    }
    let top = (stem_at(&strokes, ink.y0)?, ink.y0);
    let foot = (stem_at(&strokes, ink.y1)?, ink.y1);
    let angle = rng.random_range(30f32..55.0).to_radians();
    let length = ink.height() * rng.random_range(0.2..0.4);
    let start = (top.0 - length * angle.sin(), top.1 + length * angle.cos());
    strokes.push(straight(start, top));
    if rng.random_bool(0.4) {
        let half = ink.height() * rng.random_range(0.15..0.28);
        strokes.push(straight((foot.0 - half, foot.1), (foot.0 + half, foot.1)));
    }
    Some(strokes)
}

/// The 9's loop (the rows from its top down to where the skeleton stops crossing a row twice)
/// shrunk towards its lower right, where the tail leaves it.
fn shrink_loop(
    strokes: Vec<Stroke>,
    skeleton: &[bool; IMAGE_PIXELS],
    ink: &Ink,
    rng: &mut impl Rng,
) -> Option<Vec<Stroke>> {
    let runs = |y: usize| {
        let row = &skeleton[y * IMAGE_SIDE..(y + 1) * IMAGE_SIDE];
        (0..IMAGE_SIDE)
            .filter(|&x| row[x] && (x == 0 || !row[x - 1]))
            .collect::<Vec<_>>()
    };
    let (first, last) = (ink.y0 as usize, ink.y1 as usize);
    let mut loop_bottom = None;
    for y in first..=first + (last - first) * 3 / 4 {
        if runs(y).len() >= 2 {
            loop_bottom = Some(y);
        } else if loop_bottom.is_some_and(|b| y > b + 1) {
            break;
        }
    }
    let bottom = loop_bottom?;
    // The loop must be most of the way down the top half to be a 9's loop worth shrinking.
    if (bottom as f32 + 0.5 - ink.y0) < ink.height() * 0.25 {
        return None;
    }
    let anchor_x = *runs(bottom).last()? as f32 + 0.5;
    let anchor = (anchor_x, bottom as f32 + 0.5);
    let scale = rng.random_range(0.5..0.8);
    let shrunk = strokes
        .into_iter()
        .map(|stroke| {
            stroke
                .into_iter()
                .map(|(x, y)| {
                    if y <= anchor.1 {
                        (
                            anchor.0 + (x - anchor.0) * scale,
                            anchor.1 + (y - anchor.1) * scale,
                        )
                    } else {
                        (x, y)
                    }
                })
                .collect()
        })
        .collect();
    Some(shrunk)
}

/// The 4 written open: its stem kept where it was (its foot and its lean below the bar), its
/// bar at the height of the widest row of the middle, and a new arm from near the top down to
/// the bar's left end, a fifth to two fifths of the height left of the stem's top.
fn open_top(strokes: &[Stroke], ink: &Ink, rng: &mut impl Rng) -> Option<Vec<Stroke>> {
    let h = ink.height();
    let span = |y: f32| {
        let xs = strokes.iter().flatten().filter(|p| (p.1 - y).abs() <= 0.5);
        xs.fold(None, |b: Option<(f32, f32)>, p| {
            Some(b.map_or((p.0, p.0), |(l, r)| (l.min(p.0), r.max(p.0))))
        })
    };
    let rows = ((ink.y0 + 0.4 * h) as usize..=(ink.y0 + 0.75 * h) as usize).map(|y| y as f32 + 0.5);
    let (bar_y, (left, _)) = rows
        .filter_map(|y| Some((y, span(y)?)))
        .max_by(|a, b| (a.1.1 - a.1.0).total_cmp(&(b.1.1 - b.1.0)))?;
    // Below the bar there is only the stem.
    let below = (bar_y + 2.0, stem_at(strokes, bar_y + 2.0)?);
    let foot = (ink.y1, stem_at(strokes, ink.y1)?);
    let lean = (foot.1 - below.1) / (foot.0 - below.0).max(1.0);
    let stem_x = |y: f32| below.1 + lean * (y - below.0);
    let bar_right = stem_x(bar_y) + h * rng.random_range(0.05..0.2);
    let arm_foot = left.min(stem_x(bar_y) - 0.3 * h);
    let stem_top = (stem_x(ink.y0), ink.y0 + h * rng.random_range(0.0..0.1));
    let arm_top = (
        stem_top.0 - h * rng.random_range(0.2..0.4),
        ink.y0 + h * rng.random_range(0.0..0.15),
    );
    if arm_foot < 0.0 || arm_top.0 < 0.0 || arm_top.0 > stem_top.0 - 2.0 {
        return None;
    }
    let mut arm_and_bar = straight(arm_top, (arm_foot, bar_y));
    arm_and_bar.extend(
        straight((arm_foot, bar_y), (bar_right, bar_y))
            .into_iter()
            .skip(1),
    );
    Some(vec![arm_and_bar, straight(stem_top, (foot.1, foot.0))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::SmallRng;

    fn grid(on: impl Fn(i32, i32) -> bool) -> [bool; IMAGE_PIXELS] {
        std::array::from_fn(|i| on((i % IMAGE_SIDE) as i32, (i / IMAGE_SIDE) as i32))
    }

    fn extent(strokes: &[Stroke]) -> (f32, f32, f32, f32) {
        let points = strokes.iter().flatten();
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(x, y) in points {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        (x0, y0, x1, y1)
    }

    #[test]
    fn a_flag_goes_down_and_left_from_the_top_of_a_one() {
        let one = grid(|x, y| x == 14 && (4..24).contains(&y));
        let mut rng = SmallRng::seed_from_u64(1);
        let strokes = Style::FlaggedOne.apply(&one, &mut rng).unwrap();
        let flag = strokes.iter().find(|s| s.len() > 2).unwrap();
        let (start, end) = (flag[0], *flag.last().unwrap());
        assert_eq!(end, (14.5, 4.5), "the flag ends at the top");
        assert!(start.0 < 14.5 - 2.0 && start.1 > 4.5 + 2.0, "{start:?}");
    }

    #[test]
    fn a_wide_one_is_left_alone() {
        let bar =
            grid(|x, y| (y == 14 && (4..24).contains(&x)) || (x == 4 && (4..24).contains(&y)));
        assert!(
            Style::FlaggedOne
                .apply(&bar, &mut SmallRng::seed_from_u64(1))
                .is_none()
        );
    }

    #[test]
    fn a_nine_keeps_its_tail_and_its_loop_shrinks() {
        // A ring in the top half and a stem down its right side.
        let nine = grid(|x, y| {
            let d = ((x as f32 - 12.0).powi(2) + (y as f32 - 9.0).powi(2)).sqrt();
            (d - 5.0).abs() < 0.6 || (x == 17 && (9..25).contains(&y))
        });
        let before = extent(&skeleton_strokes(&nine));
        let after = extent(
            &Style::SmallLoopNine
                .apply(&nine, &mut SmallRng::seed_from_u64(2))
                .unwrap(),
        );
        assert_eq!(after.3, before.3, "the tail still reaches the bottom");
        assert!(
            after.0 > before.0 + 1.0 && after.1 > before.1 + 1.0,
            "{before:?} → {after:?}"
        );
    }

    #[test]
    fn a_closed_four_opens_at_the_top_and_keeps_its_stem() {
        // A diagonal from the stem's top down to the bar's left end, the bar, the stem.
        let four = grid(|x, y| {
            let diagonal = (4..=16).contains(&y) && x == 16 - (y - 4) * 10 / 12;
            diagonal || (y == 16 && (6..=20).contains(&x)) || (x == 16 && (4..24).contains(&y))
        });
        for seed in 0..5 {
            let strokes = Style::OpenFour
                .apply(&four, &mut SmallRng::seed_from_u64(seed))
                .unwrap();
            assert_eq!(strokes.len(), 2, "an arm with its bar, and the stem");
            let (arm, stem) = (&strokes[0], &strokes[1]);
            let (arm_top, stem_top) = (arm[0], stem[0]);
            assert!(
                arm_top.0 <= stem_top.0 - 3.5,
                "open: {arm_top:?} {stem_top:?}"
            );
            assert!(
                (stem_top.0 - 16.5).abs() < 0.6 && stem_top.1 < 7.0,
                "{stem_top:?}"
            );
            assert_eq!(
                *stem.last().unwrap(),
                (16.5, 23.5),
                "the stem reaches its foot"
            );
            let bar_end = *arm.last().unwrap();
            assert!(
                bar_end.0 > 16.5 && (bar_end.1 - 16.5).abs() < 0.01,
                "{bar_end:?}"
            );
        }
    }

    #[test]
    fn only_sevens_ones_fours_and_nines_have_a_style() {
        let styled: Vec<u8> = (0..10).filter(|&d| Style::for_label(d).is_some()).collect();
        assert_eq!(styled, [1, 4, 7, 9]);
    }
}
