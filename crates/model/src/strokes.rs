//! Digits from pen strokes, drawn again at a pen width proportional to each digit.
//!
//! On the pad the pen is as wide for a small digit as for a large one, so a digit written small
//! (as the digits of a number are) fills its own loops and reaches the network as a blob. MNIST's
//! strokes are a sixth to a tenth of the digit's size. Where the strokes are known as vectors, each
//! digit is therefore drawn again on its own, with a pen a fixed share of its size, and then
//! made into an input by `preprocess` like any image. Strokes whose ink touches as drawn are one
//! part, as the ink of an image is; parts are grouped into digits by the same rules as the parts
//! of an image (see [`crate::segment`]).

use crate::cut::{SHORTEST_PIECE, clip, column_costs, cuts};
use crate::preprocess::{PreprocessError, drawn_input};
use crate::segment::{Bounds, Digit, Group, group_parts};

/// A pen stroke: its points, in any unit (the pad's CSS pixels), in order.
pub type Stroke = Vec<(f32, f32)>;

/// The pen's width as a share of the digit's longer side: about MNIST's strokes. Measured on
/// 1,000 MNIST test digits thinned to strokes (`augment::skeleton::strokes`) and drawn again:
/// 0.10 and 0.13 → 99.2 % read right, 0.16 and 0.20 → 99.1 %.
pub const PEN_SHARE: f32 = 0.16;
/// The digit's longer side when drawn again, in pixels.
const DRAWN_SIDE: f32 = 96.0;
/// A touching group's longer side when drawn to find where to cut it, in pixels.
const CUT_SIDE: f32 = 192.0;

/// The digits written with `strokes` (drawn with a pen `pen_width` wide), left to right, each
/// drawn again at a pen width of [`PEN_SHARE`] of its size. Their boxes are in the strokes'
/// unit, pen included.
pub fn segment_strokes(strokes: &[Stroke], pen_width: f32) -> Result<Vec<Digit>, PreprocessError> {
    let mut groups: Vec<Group> = group_parts(touching_parts(strokes, pen_width))
        .into_iter()
        .flat_map(|g| unglued(strokes, g))
        .collect();
    groups.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    if groups.is_empty() {
        return Err(PreprocessError::Blank);
    }
    groups
        .iter()
        .map(|g| {
            let group: Vec<&Stroke> = g.parts.iter().map(|&i| &strokes[i]).collect();
            let mut digit = drawn_digit(&group, g)?;
            if digit.touching {
                digit.cuts = cut_strokes(&group, g);
            }
            Ok(digit)
        })
        .collect()
}

/// One digit of `strokes`, whose box is `group`'s, drawn again at [`PEN_SHARE`] of its size.
fn drawn_digit(strokes: &[&Stroke], group: &Group) -> Result<Digit, PreprocessError> {
    let side = group.width().max(group.height());
    let pen = PEN_SHARE * side;
    let (x, y) = (
        (group.x0 - pen / 2.0).max(0.0),
        (group.y0 - pen / 2.0).max(0.0),
    );
    Ok(Digit {
        bounds: Bounds {
            x: x.round() as usize,
            y: y.round() as usize,
            width: (group.x1 + pen / 2.0 - x).round().max(1.0) as usize,
            height: (group.y1 + pen / 2.0 - y).round().max(1.0) as usize,
        },
        input: draw(strokes, PEN_SHARE)?,
        touching: group.is_wide(),
        cuts: Vec::new(),
    })
}

/// The ways to cut the strokes of a touching group into digits: its ink is drawn (the pen
/// [`PEN_SHARE`] of its height) to find the cheapest columns to cut down, and its strokes are
/// clipped to the pieces between them.
fn cut_strokes(strokes: &[&Stroke], group: &Group) -> Vec<Vec<Digit>> {
    let scale = CUT_SIDE / group.width().max(group.height()).max(f32::EPSILON);
    let drawn_height = group.height() * scale;
    let width = (group.width() * scale).ceil() as usize + 1;
    let height = drawn_height.ceil() as usize + 1;
    let mut canvas = vec![255u8; width * height];
    let at = |&(x, y): &(f32, f32)| ((x - group.x0) * scale, (y - group.y0) * scale);
    let radius = PEN_SHARE * drawn_height / 2.0;
    for stroke in strokes {
        polyline(&mut canvas, width, stroke.iter().map(at), radius);
    }
    let costs = column_costs(width, height, |x, y| canvas[y * width + x] == 0);
    cuts(&costs, drawn_height)
        .into_iter()
        .filter_map(|pieces| {
            pieces
                .into_iter()
                .map(|r| {
                    let from = group.x0 + r.start as f32 / scale;
                    let to = group.x0 + r.end as f32 / scale;
                    stroke_piece(strokes, from, to, group.height())
                })
                .collect()
        })
        .collect()
}

/// The digit made of `strokes` clipped to `from..=to`; none when that is a sliver, not a digit.
fn stroke_piece(strokes: &[&Stroke], from: f32, to: f32, height: f32) -> Option<Digit> {
    let clipped: Vec<Stroke> = strokes.iter().flat_map(|s| clip(s, from, to)).collect();
    let bounds = clipped
        .iter()
        .enumerate()
        .map(|(i, s)| part(i, s))
        .reduce(|mut a, b| {
            a.absorb(b);
            a
        })?;
    if bounds.height() < SHORTEST_PIECE * height {
        return None;
    }
    let clipped: Vec<&Stroke> = clipped.iter().collect();
    let digit = drawn_digit(&clipped, &bounds).ok()?;
    Some(Digit {
        touching: false,
        ..digit
    })
}

/// A group wider than a digit is most likely digits whose ink touches. Written in several
/// strokes, its strokes are grouped again by the same rules without joining those that touch:
/// digits side by side come apart, while the strokes of one digit overlap left to right (a 4's
/// two strokes, a 7's bar) or are pieces beside it (a 5's flag) and stay together.
fn unglued(strokes: &[Stroke], group: Group) -> Vec<Group> {
    if !group.is_wide() || group.parts.len() < 2 {
        return vec![group];
    }
    let apart = group_parts(group.parts.iter().map(|&i| part(i, &strokes[i])).collect());
    if apart.len() >= 2 { apart } else { vec![group] }
}

/// Stroke `i` as a part of its own, with its box.
fn part(i: usize, stroke: &Stroke) -> Group {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in stroke {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    Group {
        parts: vec![i],
        x0,
        y0,
        x1,
        y1,
    }
}

/// The strokes whose ink touches as drawn (centre lines at most a pen width apart), merged into
/// parts, each with its box.
fn touching_parts(strokes: &[Stroke], pen_width: f32) -> Vec<Group> {
    // Each drawn stroke as a part of its own, by left edge.
    let mut single: Vec<Group> = strokes
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(i, s)| part(i, s))
        .collect();
    single.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    // Union-find over them; only strokes whose boxes come within a pen width are compared.
    let mut root: Vec<usize> = (0..single.len()).collect();
    fn find(root: &mut [usize], mut i: usize) -> usize {
        while root[i] != i {
            root[i] = root[root[i]];
            i = root[i];
        }
        i
    }
    for i in 0..single.len() {
        for j in i + 1..single.len() {
            let (a, b) = (&single[i], &single[j]);
            if b.x0 > a.x1 + pen_width {
                break;
            }
            let near = b.y0 <= a.y1 + pen_width && a.y0 <= b.y1 + pen_width;
            if near && distance(&strokes[a.parts[0]], &strokes[b.parts[0]]) <= pen_width {
                let (ra, rb) = (find(&mut root, i), find(&mut root, j));
                root[ra] = rb;
            }
        }
    }
    let mut parts: Vec<Group> = Vec::new();
    let mut part_of_root = vec![usize::MAX; single.len()];
    for (i, s) in single.iter().enumerate() {
        let r = find(&mut root, i);
        if part_of_root[r] == usize::MAX {
            part_of_root[r] = parts.len();
            parts.push(s.clone());
        } else {
            let g = &mut parts[part_of_root[r]];
            g.parts.push(s.parts[0]);
            (g.x0, g.y0, g.x1, g.y1) = (
                g.x0.min(s.x0),
                g.y0.min(s.y0),
                g.x1.max(s.x1),
                g.y1.max(s.y1),
            );
        }
    }
    parts
}

/// The shortest distance between two polylines (a single point is a polyline too).
fn distance(a: &Stroke, b: &Stroke) -> f32 {
    let segments = |s: &Stroke| -> Vec<((f32, f32), (f32, f32))> {
        if s.len() == 1 {
            vec![(s[0], s[0])]
        } else {
            s.windows(2).map(|w| (w[0], w[1])).collect()
        }
    };
    let (sa, sb) = (segments(a), segments(b));
    let mut best = f32::MAX;
    for &(p, q) in &sa {
        for &(r, t) in &sb {
            best = best
                .min(point_to_segment(p, (r, t)))
                .min(point_to_segment(q, (r, t)))
                .min(point_to_segment(r, (p, q)))
                .min(point_to_segment(t, (p, q)));
        }
    }
    best
}

fn point_to_segment((px, py): (f32, f32), ((ax, ay), (bx, by)): ((f32, f32), (f32, f32))) -> f32 {
    let (dx, dy) = (bx - ax, by - ay);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (((px - ax) * dx + (py - ay) * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((px - ax - t * dx).powi(2) + (py - ay - t * dy).powi(2)).sqrt()
}

/// Draws one digit's strokes, its longer side [`DRAWN_SIDE`] pixels, with round pen ends
/// `pen_share` of that side wide, in black in the middle of a white square (so that ink stays
/// the minority `preprocess` expects, even for a 1), and preprocesses the drawing. The pad's
/// digits and the training digits redrawn as pen strokes (`augment::pen`) both come through here.
pub fn draw(
    strokes: &[&Stroke],
    pen_share: f32,
) -> Result<[f32; crate::IMAGE_PIXELS], PreprocessError> {
    let (width, height, canvas) = drawing(strokes, pen_share)?;
    drawn_input(width, height, &canvas)
}

/// The drawing [`draw`] reads: its width, height and 8-bit grey pixels, black ink on white.
pub fn drawing(
    strokes: &[&Stroke],
    pen_share: f32,
) -> Result<(usize, usize, Vec<u8>), PreprocessError> {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in strokes.iter().flat_map(|s| s.iter()) {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        return Err(PreprocessError::Blank);
    }
    let (width_in, height_in) = (x1 - x0, y1 - y0);
    let side = width_in.max(height_in);
    // A dot has no size: draw it as a pen-sized disc.
    let scale = if side > 0.0 { DRAWN_SIDE / side } else { 1.0 };
    let radius = (pen_share * DRAWN_SIDE / 2.0).max(1.0);
    let margin = radius + 2.0;
    let square = (DRAWN_SIDE + 2.0 * margin).ceil();
    let (width, height) = (square as usize, square as usize);
    let mut canvas = vec![255u8; width * height];
    // Centred: the digit's box in the middle of the square.
    let (left, top) = (
        (square - width_in * scale) / 2.0,
        (square - height_in * scale) / 2.0,
    );
    let at = |&(x, y): &(f32, f32)| ((x - x0) * scale + left, (y - y0) * scale + top);
    for stroke in strokes {
        polyline(&mut canvas, width, stroke.iter().map(at), radius);
    }
    Ok((width, height, canvas))
}

/// A stroke's `points` as black round-capped lines of `radius` on a white 8-bit canvas
/// `width` pixels wide (a single point: a dot).
fn polyline(
    canvas: &mut [u8],
    width: usize,
    points: impl Iterator<Item = (f32, f32)>,
    radius: f32,
) {
    let points: Vec<(f32, f32)> = points.collect();
    // Each line starts with a disc at its first point, so only a lone point needs its own.
    if let [point] = points[..] {
        line(canvas, width, point, point, radius);
    }
    for pair in points.windows(2) {
        line(canvas, width, pair[0], pair[1], radius);
    }
}

/// A black round-capped line of `radius` on a white 8-bit canvas `width` pixels wide: discs a
/// pixel apart.
pub fn line(canvas: &mut [u8], width: usize, a: (f32, f32), b: (f32, f32), radius: f32) {
    disc(canvas, width, a, radius);
    let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let steps = length.ceil().max(1.0) as usize;
    for s in 1..=steps {
        let t = s as f32 / steps as f32;
        disc(
            canvas,
            width,
            (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)),
            radius,
        );
    }
}

fn disc(canvas: &mut [u8], width: usize, (cx, cy): (f32, f32), radius: f32) {
    let height = canvas.len() / width;
    let (x0, x1) = (
        (cx - radius).max(0.0) as usize,
        ((cx + radius) as usize).min(width - 1),
    );
    let (y0, y1) = (
        (cy - radius).max(0.0) as usize,
        ((cy + radius) as usize).min(height - 1),
    );
    for y in y0..=y1 {
        for x in x0..=x1 {
            if (x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2) <= radius * radius {
                canvas[y * width + x] = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vertical(x: f32, top: f32, bottom: f32) -> Stroke {
        (0..=10)
            .map(|i| (x, top + (bottom - top) * i as f32 / 10.0))
            .collect()
    }

    #[test]
    fn a_small_digit_gets_the_same_input_as_a_large_one() {
        let ring = |cx: f32, cy: f32, r: f32| -> Stroke {
            (0..=40)
                .map(|i| {
                    let a = i as f32 / 40.0 * std::f32::consts::TAU;
                    (cx + r * a.cos(), cy + 1.4 * r * a.sin())
                })
                .collect()
        };
        let large = segment_strokes(&[ring(200.0, 200.0, 120.0)], 20.0).unwrap();
        let small = segment_strokes(&[ring(50.0, 50.0, 15.0)], 20.0).unwrap();
        let worst = large[0]
            .input
            .iter()
            .zip(&small[0].input)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst < 0.05, "the pen grew with the digit: {worst}");
        // The loop stays open: the centre of a 0 is background.
        assert_eq!(small[0].input[14 * 28 + 14], 0.0);
    }

    #[test]
    fn groups_strokes_into_digits_left_to_right() {
        let four = [
            vec![(130.0, 20.0), (110.0, 80.0), (170.0, 80.0)],
            vertical(155.0, 50.0, 120.0),
        ];
        let strokes = [
            four[1].clone(),
            vertical(40.0, 20.0, 120.0),
            four[0].clone(),
            vec![(300.0, 118.0)],
        ];
        let digits = segment_strokes(&strokes, 10.0).unwrap();
        assert_eq!(
            digits.len(),
            2,
            "the 1, the 4 of two strokes; the dot is a stray"
        );
        assert!(digits[0].bounds.x < 40 && digits[1].bounds.x > 100);
        assert!(digits[1].bounds.x <= 110 && digits[1].bounds.width >= 60);
        assert!(digits.iter().all(|d| !d.touching));
    }

    #[test]
    fn a_0_drawn_as_two_arcs_that_meet_is_one_digit() {
        let arc = |from: f32, to: f32| -> Stroke {
            (0..=20)
                .map(|i| {
                    let a = from + (to - from) * i as f32 / 20.0;
                    (100.0 + 30.0 * a.cos(), 100.0 + 45.0 * a.sin())
                })
                .collect()
        };
        let half = std::f32::consts::PI;
        // Left and right halves: their extents only meet at the top and bottom.
        let left = arc(0.5 * half, 1.5 * half);
        let right = arc(-0.5 * half, 0.5 * half);
        let digits = segment_strokes(&[left.clone(), right.clone()], 8.0).unwrap();
        assert_eq!(digits.len(), 1);
        // Far apart, the same arcs are two marks.
        let moved: Stroke = right.iter().map(|&(x, y)| (x + 80.0, y)).collect();
        assert_eq!(segment_strokes(&[left, moved], 8.0).unwrap().len(), 2);
    }

    #[test]
    fn digits_whose_ink_touches_come_apart_by_their_strokes() {
        let ring = |cx: f32| -> Stroke {
            (0..=40)
                .map(|i| {
                    let a = i as f32 / 40.0 * std::f32::consts::TAU;
                    (cx + 30.0 * a.cos(), 100.0 + 45.0 * a.sin())
                })
                .collect()
        };
        // "00" with the rings touching, then "100" with the 1 touching the first 0 too.
        let zeros = [ring(100.0), ring(162.0)];
        let digits = segment_strokes(&zeros, 8.0).unwrap();
        assert_eq!(digits.len(), 2);
        assert!(digits.iter().all(|d| !d.touching));
        assert!(digits[0].bounds.x < digits[1].bounds.x);
        let hundred = [ring(100.0), vertical(66.0, 55.0, 145.0), ring(162.0)];
        let digits = segment_strokes(&hundred, 8.0).unwrap();
        assert_eq!(digits.len(), 3);
        assert!(digits[0].bounds.x < 70 && digits[0].bounds.width < 20);
        // One stroke through both digits cannot be taken apart by its strokes: it is
        // reported, with the ways to cut it at its columns, the first in two between the rings.
        let joined: Stroke = zeros.concat();
        let digits = segment_strokes(&[joined], 8.0).unwrap();
        assert_eq!(digits.len(), 1);
        assert!(digits[0].touching);
        let halves = &digits[0].cuts[0];
        assert_eq!(halves.len(), 2);
        let edges: Vec<(usize, usize)> = halves
            .iter()
            .map(|d| (d.bounds.x, d.bounds.x + d.bounds.width))
            .collect();
        assert!(
            edges[0].0 < 70 && (128..=140).contains(&edges[0].1),
            "{edges:?}"
        );
        assert!(
            (122..=134).contains(&edges[1].0) && edges[1].1 > 192,
            "{edges:?}"
        );
        assert!(halves.iter().all(|d| !d.touching && d.cuts.is_empty()));
    }

    #[test]
    fn a_wide_digit_in_overlapping_strokes_stays_one() {
        // A 7 much wider than tall, its bar drawn on its own and crossed by a second bar.
        let seven = [
            vec![(0.0, 0.0), (200.0, 0.0), (120.0, 100.0)],
            vec![(80.0, 50.0), (190.0, 50.0)],
        ];
        let digits = segment_strokes(&seven, 8.0).unwrap();
        assert_eq!(digits.len(), 1);
        assert!(digits[0].touching);
    }

    #[test]
    fn a_digit_whose_ink_covers_most_of_its_square_is_read() {
        // A real writer's fast 8 (eight points of a pen trajectory, pendigits): drawn with a
        // pen a sixth of its size, ink covers more of its square than paper does, which a photo's
        // background guess would take for the paper.
        let eight: Stroke = [
            (57.0, 37.0),
            (100.0, 0.0),
            (0.0, 9.0),
            (36.0, 47.0),
            (95.0, 84.0),
            (2.0, 100.0),
            (5.0, 64.0),
            (91.0, 33.0),
        ]
        .into();
        let (_, _, canvas) = drawing(&[&eight], PEN_SHARE).unwrap();
        assert!(canvas.iter().filter(|&&v| v < 128).count() * 2 > canvas.len());
        let input = draw(&[&eight], PEN_SHARE).unwrap();
        assert!(input.iter().any(|&v| v > 0.5) && input.contains(&0.0));
    }

    #[test]
    fn nothing_drawn_is_blank() {
        assert_eq!(
            segment_strokes(&[], 10.0).unwrap_err(),
            PreprocessError::Blank
        );
    }

    #[test]
    fn any_strokes_are_read_without_a_panic() {
        use rand::rngs::SmallRng;
        use rand::{Rng, SeedableRng};
        // Flat dashes (no height at all), dots, tiny and huge drawings, long scrawls.
        let mut rng = SmallRng::seed_from_u64(11);
        for _ in 0..300 {
            let scale = 10f32.powi(rng.random_range(-3..6));
            let flat = rng.random_bool(0.3);
            let strokes: Vec<Stroke> = (0..rng.random_range(1..6))
                .map(|_| {
                    (0..rng.random_range(1..30))
                        .map(|_| {
                            let y = if flat { 0.5 } else { rng.random::<f32>() };
                            (rng.random::<f32>() * 3.0 * scale, y * scale)
                        })
                        .collect()
                })
                .collect();
            if let Ok(digits) = segment_strokes(&strokes, rng.random_range(0.0..20.0)) {
                for digit in &digits {
                    assert!(digit.cuts.iter().all(|cut| cut.len() >= 2));
                    assert!(digit.input.iter().all(|v| v.is_finite()));
                }
            }
        }
    }
}
