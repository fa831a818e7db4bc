//! A written number split into its digits, each made into the model's 28×28 input the same way
//! a single digit is: the ink's connected parts (or, on the pad, its strokes: see
//! [`crate::strokes`]), grouped into digits by horizontal overlap (a 4 or a 7 written in two
//! strokes, a 5's flag, stay one digit), stray marks left out, ordered left to right. A group
//! that looks like touching digits also carries the ways it could be cut apart
//! ([`crate::cut`]), for [`crate::number`] to choose from.

use std::ops::Range;

use crate::cut::{SHORTEST_PIECE, column_costs, cuts};
use crate::network::IMAGE_PIXELS;
use crate::preprocess::{
    Bitmap, Plane, PreprocessError, bounding_box, components, digit_input, ink_plane,
};

/// Two parts are one digit when their horizontal extents overlap by at least this share of
/// the narrower one.
const SAME_DIGIT_OVERLAP: f32 = 0.5;
/// A part shorter than this share of the tallest group is a piece of a digit (a flag, a bar, a
/// stroke broken off), not a digit of its own, when one is near it: see [`NEAR_SHARE`].
const PIECE_SHARE: f32 = 0.6;
/// How near, left to right, a piece must be to a digit to belong to it: a share of the tallest
/// group's height (gaps between the digits of a number are wider).
const NEAR_SHARE: f32 = 0.25;
/// A group whose width and height are both under this share of the tallest group's height is a
/// stray mark (a dot, a dash), not a digit.
const STRAY_SHARE: f32 = 0.3;
/// Digits are at most this much wider than tall (a wide 2 or 7); a wider group is most likely
/// two digits that touch.
const WIDEST_DIGIT: f32 = 1.3;

/// A box on the source image, in its pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub x: usize,
    pub y: usize,
    pub width: usize,
    pub height: usize,
}

/// One digit of a written number.
#[derive(Debug, Clone)]
pub struct Digit {
    /// Where it is on the source image.
    pub bounds: Bounds,
    /// The model's input for it, made as [`crate::preprocess`] makes it.
    pub input: [f32; IMAGE_PIXELS],
    /// Much wider than a digit: probably two or more digits that touch.
    pub touching: bool,
    /// When touching, the ways it could be cut into digits (each a list of pieces, left to
    /// right); [`crate::number::settle`] chooses between them and the whole.
    pub cuts: Vec<Vec<Digit>>,
}

/// The digits written on `bitmap`, left to right. One digit on its own gives exactly the input
/// [`crate::preprocess`] gives.
pub fn segment(bitmap: Bitmap<'_>) -> Result<Vec<Digit>, PreprocessError> {
    let (ink, factor) = ink_plane(bitmap)?;
    let parts = Parts::label(&ink);
    let groups = group_parts(parts.boxes.clone());
    if groups.is_empty() {
        return Err(PreprocessError::Blank);
    }
    groups
        .iter()
        .map(|g| {
            let only = parts.only(&ink, g);
            Ok(Digit {
                bounds: g.bounds(factor, bitmap),
                input: digit_input(&only)?,
                touching: g.is_wide(),
                cuts: if g.is_wide() {
                    cut_image(&only, g, factor, bitmap)
                } else {
                    Vec::new()
                },
            })
        })
        .collect()
}

/// The ways to cut the ink of a touching group (`only` holds nothing else) into digits, by
/// its columns.
fn cut_image(only: &Plane, group: &Group, factor: usize, bitmap: Bitmap<'_>) -> Vec<Vec<Digit>> {
    let columns = group.x0 as usize..group.x1 as usize;
    let (top, bottom) = (group.y0 as usize, group.y1 as usize);
    let costs = column_costs(columns.len(), bottom - top, |x, y| {
        only.values[(top + y) * only.width + columns.start + x] > 0.0
    });
    cuts(&costs, group.height())
        .into_iter()
        .filter_map(|pieces| {
            pieces
                .into_iter()
                .map(|r| {
                    let piece = columns.start + r.start..columns.start + r.end;
                    image_piece(only, piece, group.height(), factor, bitmap)
                })
                .collect()
        })
        .collect()
}

/// The digit made of `only`'s ink in `columns`; none when that is a sliver, not a digit.
fn image_piece(
    only: &Plane,
    columns: Range<usize>,
    height: f32,
    factor: usize,
    bitmap: Bitmap<'_>,
) -> Option<Digit> {
    let mut values = vec![0.0; only.values.len()];
    for (row, source) in values
        .chunks_exact_mut(only.width)
        .zip(only.values.chunks_exact(only.width))
    {
        row[columns.clone()].copy_from_slice(&source[columns.clone()]);
    }
    let piece = Plane {
        width: only.width,
        height: only.height,
        values,
    };
    let (x0, y0, x1, y1) = bounding_box(&piece)?;
    if ((y1 - y0) as f32) < SHORTEST_PIECE * height {
        return None;
    }
    let bounds = Group {
        parts: Vec::new(),
        x0: x0 as f32,
        y0: y0 as f32,
        x1: x1 as f32,
        y1: y1 as f32,
    }
    .bounds(factor, bitmap);
    Some(Digit {
        bounds,
        input: digit_input(&piece).ok()?,
        touching: false,
        cuts: Vec::new(),
    })
}

/// Parts (each a group of one) merged into digits while any two overlap enough horizontally,
/// stray marks dropped, left to right.
pub(crate) fn group_parts(mut groups: Vec<Group>) -> Vec<Group> {
    // By left edge, a part can only overlap the ones that start before it ends; merging grows
    // boxes, so sweep again until nothing merges.
    let mut merged = true;
    while merged {
        merged = false;
        groups.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut i = 0;
        while i < groups.len() {
            let mut j = i + 1;
            while j < groups.len() && groups[j].x0 <= groups[i].x1 {
                if groups[i].overlaps(&groups[j]) {
                    let absorbed = groups.remove(j);
                    groups[i].absorb(absorbed);
                    merged = true;
                } else {
                    j += 1;
                }
            }
            i += 1;
        }
    }
    let tallest = |groups: &[Group]| groups.iter().map(Group::height).fold(0.0, f32::max);
    // Pieces join the nearest group, shortest pieces first; a joined group can grow tall.
    loop {
        let tallest = tallest(&groups);
        let piece = (0..groups.len())
            .filter(|&i| groups[i].height() < PIECE_SHARE * tallest)
            .filter_map(|i| {
                let (j, gap) = (0..groups.len())
                    .filter(|&j| j != i)
                    .map(|j| (j, groups[i].gap(&groups[j])))
                    .min_by(|a, b| a.1.total_cmp(&b.1))?;
                (gap <= NEAR_SHARE * tallest).then_some((i, j))
            })
            .min_by(|a, b| groups[a.0].height().total_cmp(&groups[b.0].height()));
        let Some((i, j)) = piece else {
            break;
        };
        let absorbed = groups.swap_remove(i);
        let j = if j == groups.len() { i } else { j };
        groups[j].absorb(absorbed);
    }
    let tallest = tallest(&groups);
    groups.retain(|g| g.width() >= STRAY_SHARE * tallest || g.height() >= STRAY_SHARE * tallest);
    groups.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    groups
}

/// A set of parts (by index), with the box around them (half-open).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) parts: Vec<usize>,
    pub(crate) x0: f32,
    pub(crate) y0: f32,
    pub(crate) x1: f32,
    pub(crate) y1: f32,
}

impl Group {
    pub(crate) fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub(crate) fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub(crate) fn is_wide(&self) -> bool {
        self.width() > WIDEST_DIGIT * self.height()
    }

    /// Whether the horizontal extents overlap by enough of the narrower one to be one digit.
    fn overlaps(&self, other: &Group) -> bool {
        let overlap = self.x1.min(other.x1) - self.x0.max(other.x0);
        overlap >= SAME_DIGIT_OVERLAP * self.width().min(other.width())
    }

    /// The horizontal gap between the two boxes (negative where they overlap).
    fn gap(&self, other: &Group) -> f32 {
        (other.x0 - self.x1).max(self.x0 - other.x1)
    }

    pub(crate) fn absorb(&mut self, other: Group) {
        self.parts.extend(other.parts);
        self.x0 = self.x0.min(other.x0);
        self.y0 = self.y0.min(other.y0);
        self.x1 = self.x1.max(other.x1);
        self.y1 = self.y1.max(other.y1);
    }

    /// The box in the source image's pixels, `factor` of them per working pixel.
    fn bounds(&self, factor: usize, bitmap: Bitmap<'_>) -> Bounds {
        let x = self.x0 as usize * factor;
        let y = self.y0 as usize * factor;
        Bounds {
            x,
            y,
            width: (self.x1 as usize * factor).min(bitmap.width) - x,
            height: (self.y1 as usize * factor).min(bitmap.height) - y,
        }
    }
}

/// The 8-connected parts of the ink: a label per pixel (`u32::MAX` for background).
struct Parts {
    labels: Vec<u32>,
    boxes: Vec<Group>,
}

impl Parts {
    fn label(ink: &Plane) -> Self {
        let (labels, found) = components(ink);
        let boxes = found
            .iter()
            .enumerate()
            .map(|(i, c)| Group {
                parts: vec![i],
                x0: c.x0 as f32,
                y0: c.y0 as f32,
                x1: c.x1 as f32,
                y1: c.y1 as f32,
            })
            .collect();
        Self { labels, boxes }
    }

    /// The ink of `group`'s parts alone, as a plane of its own (all of `ink` when the group
    /// holds every part, so one digit gets exactly the input `preprocess` gives).
    fn only(&self, ink: &Plane, group: &Group) -> Plane {
        let mut member = vec![false; self.boxes.len()];
        for &part in &group.parts {
            member[part] = true;
        }
        let values = ink
            .values
            .iter()
            .zip(&self.labels)
            .map(|(&v, &l)| {
                if l != u32::MAX && member[l as usize] {
                    v
                } else {
                    0.0
                }
            })
            .collect();
        Plane {
            width: ink.width,
            height: ink.height,
            values,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preprocess::{PixelFormat, preprocess};

    const W: usize = 400;
    const H: usize = 200;

    /// A white canvas with black filled rectangles `(x, y, width, height)`.
    fn canvas(rects: &[(usize, usize, usize, usize)]) -> Vec<u8> {
        let mut pixels = vec![255u8; W * H];
        for &(x, y, w, h) in rects {
            for row in y..y + h {
                pixels[row * W + x..row * W + x + w].fill(0);
            }
        }
        pixels
    }

    fn digits(pixels: &[u8]) -> Vec<Digit> {
        segment(Bitmap {
            width: W,
            height: H,
            format: PixelFormat::Gray,
            pixels,
        })
        .unwrap()
    }

    #[test]
    fn splits_side_by_side_digits_left_to_right() {
        // A bar, a box outline, a bar.
        let pixels = canvas(&[
            (300, 40, 12, 120),
            (30, 40, 12, 120),
            (140, 40, 70, 12),
            (140, 148, 70, 12),
            (140, 40, 12, 120),
            (198, 40, 12, 120),
        ]);
        let found = digits(&pixels);
        let xs: Vec<usize> = found.iter().map(|d| d.bounds.x).collect();
        assert_eq!(found.len(), 3, "{xs:?}");
        assert!(xs.windows(2).all(|p| p[0] < p[1]), "{xs:?}");
        assert!(
            (28..=32).contains(&found[0].bounds.x),
            "{:?}",
            found[0].bounds
        );
        assert!(
            (118..=122).contains(&found[0].bounds.height),
            "{:?}",
            found[0].bounds
        );
        assert!(found.iter().all(|d| !d.touching));
    }

    #[test]
    fn strokes_that_overlap_horizontally_are_one_digit() {
        // A 4 in two strokes: an L, and a separate upright crossing its arm.
        let pixels = canvas(&[(100, 30, 12, 80), (100, 100, 90, 12), (160, 50, 12, 120)]);
        let found = digits(&pixels);
        assert_eq!(found.len(), 1);
        let whole = preprocess(Bitmap {
            width: W,
            height: H,
            format: PixelFormat::Gray,
            pixels: &pixels,
        })
        .unwrap();
        assert_eq!(
            found[0].input, whole,
            "one digit gets preprocess's own input"
        );
    }

    #[test]
    fn a_stray_dot_is_not_a_digit() {
        let pixels = canvas(&[(60, 40, 14, 120), (250, 150, 14, 14)]);
        let found = digits(&pixels);
        assert_eq!(found.len(), 1);
        assert!(
            (58..=62).contains(&found[0].bounds.x),
            "{:?}",
            found[0].bounds
        );
    }

    #[test]
    fn a_group_much_wider_than_tall_is_reported_as_touching_digits() {
        // Two boxes sharing a side: one part, twice as wide as tall.
        let pixels = canvas(&[
            (40, 50, 200, 12),
            (40, 138, 200, 12),
            (40, 50, 12, 100),
            (134, 50, 12, 100),
            (228, 50, 12, 100),
        ]);
        let found = digits(&pixels);
        assert_eq!(found.len(), 1);
        assert!(found[0].touching);
        // Its first cut is in two at the shared side; the others in three and four.
        let counts: Vec<usize> = found[0].cuts.iter().map(Vec::len).collect();
        assert_eq!(counts, [2, 3, 4]);
        let halves: Vec<Bounds> = found[0].cuts[0].iter().map(|d| d.bounds).collect();
        assert!((38..=42).contains(&halves[0].x), "{halves:?}");
        assert!((130..=150).contains(&halves[1].x), "{halves:?}");
        assert!(
            (236..=242).contains(&(halves[1].x + halves[1].width)),
            "{halves:?}"
        );
    }

    #[test]
    fn a_blank_image_has_no_digits() {
        let pixels = canvas(&[]);
        let err = segment(Bitmap {
            width: W,
            height: H,
            format: PixelFormat::Gray,
            pixels: &pixels,
        })
        .unwrap_err();
        assert_eq!(err, PreprocessError::Blank);
    }
}
