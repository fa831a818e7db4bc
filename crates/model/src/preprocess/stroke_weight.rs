//! Strokes far thinner than MNIST's, thickened before a digit is fitted. A digit written with a
//! fine pen and photographed is a hairline once fitted into MNIST's 20-pixel box, where MNIST's
//! pencil strokes are two or three pixels wide, and the network reads such hairlines worse.
//! The pad needs none of this: it draws every digit again with a pen of MNIST's width.

use super::{Bounds, Plane};

/// Strokes narrower than this once fitted (in the 20-pixel box's pixels) are thickened: under
/// MNIST's thinnest 1 % (its 10,000 test digits: 1 % under 1.45 px, the median 2.40 px, as
/// [`stroke_width`] measures them), and under the pen training redraws digits with (9–20 % of
/// their size: 1.6 px and more), so that only hairlines are changed (a ballpoint's line on a
/// photographed digit, 3 % of its size: about 1 px).
const THIN: f32 = 1.3;
/// The width thin strokes are brought to: MNIST's median.
const TARGET: f32 = 2.4;

/// The typical width of the strokes in `plane`, all of whose ink lies in `bounds`, in its
/// pixels: twice their ink over the length of their outline (for a stroke `w` wide and `l`
/// long, `2wl / 2l`), the outline being the ink's total variation. `None` without ink.
pub(crate) fn stroke_width(plane: &Plane, bounds: Bounds) -> Option<f32> {
    let (w, h) = (plane.width as isize, plane.height as isize);
    let at = |x: isize, y: isize| {
        if (0..w).contains(&x) && (0..h).contains(&y) {
            plane.values[(y * w + x) as usize]
        } else {
            0.0
        }
    };
    let (x0, y0, x1, y1) = bounds;
    let (mut ink, mut outline) = (0.0, 0.0);
    // From the blank pixel before the box on each side (inside the plane or not), which still
    // steps onto ink.
    for y in y0 as isize - 1..y1 as isize {
        for x in x0 as isize - 1..x1 as isize {
            let v = at(x, y);
            let (dx, dy) = (f64::from(v - at(x + 1, y)), f64::from(v - at(x, y + 1)));
            ink += v;
            // `hypot` computed as it computes it for `f32`, without the call.
            outline += (dx * dx + dy * dy).sqrt() as f32;
        }
    }
    (outline > 0.0).then(|| 2.0 * ink / outline)
}

/// The ink in `bounds` of `ink` with its strokes thickened to [`TARGET`], where they are
/// thinner than [`THIN`] once the digit is fitted at `scale` (fitted pixels per pixel of
/// `ink`); `None` where they are not. The box is cut out with a margin as wide as what is
/// added on each side, so no stroke is cut at its edge.
pub(crate) fn thickened(ink: &Plane, bounds: Bounds, scale: f32) -> Option<Plane> {
    let fitted = stroke_width(ink, bounds)? * scale;
    if fitted >= THIN {
        return None;
    }
    // Each step adds a pixel all round, alternating square and cross so the pen stays round.
    let steps = ((TARGET - fitted) / 2.0 / scale).round() as usize;
    if steps == 0 {
        return None;
    }
    let mut plane = cut_out(ink, bounds, steps);
    for step in 0..steps {
        plane = grown(&plane, step % 2 == 0);
    }
    Some(plane)
}

/// The `bounds` of `plane` with `margin` blank pixels added on every side.
fn cut_out(plane: &Plane, (x0, y0, x1, y1): Bounds, margin: usize) -> Plane {
    let width = x1 - x0 + 2 * margin;
    let height = y1 - y0 + 2 * margin;
    let mut values = vec![0.0; width * height];
    for y in y0..y1 {
        let row = &plane.values[y * plane.width + x0..y * plane.width + x1];
        values[(y - y0 + margin) * width + margin..][..row.len()].copy_from_slice(row);
    }
    Plane {
        width,
        height,
        values,
    }
}

/// Each pixel the brightest of itself and its 8 neighbours (`square`) or its 4, in two passes:
/// the brightest of three along each row, then of three of those down each column (square),
/// or that of three down the column beside the row's (cross).
fn grown(plane: &Plane, square: bool) -> Plane {
    let (w, h) = (plane.width, plane.height);
    let near = |i: usize, n: usize| i.saturating_sub(1)..(i + 2).min(n);
    let mut across = vec![0f32; w * h];
    for (row, out) in plane.values.chunks_exact(w).zip(across.chunks_exact_mut(w)) {
        for (x, out) in out.iter_mut().enumerate() {
            *out = brightest(row[near(x, w)].iter().copied());
        }
    }
    let down = if square { &across } else { &plane.values };
    let mut values = vec![0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            let column = brightest(near(y, h).map(|yy| down[yy * w + x]));
            values[y * w + x] = if square {
                column
            } else {
                column.max(across[y * w + x])
            };
        }
    }
    Plane {
        width: w,
        height: h,
        values,
    }
}

fn brightest(values: impl Iterator<Item = f32>) -> f32 {
    values.fold(0.0, f32::max)
}

#[cfg(test)]
mod tests {
    use super::super::bounding_box;
    use super::*;

    const SIDE: usize = 240;
    /// The bars' length: 160 pixels, fitted into 20.
    const SCALE: f32 = 20.0 / 160.0;

    /// A plane with a vertical bar `width` pixels wide and 160 long in its middle.
    fn bar(width: usize) -> Plane {
        let x0 = (SIDE - width) / 2;
        Plane {
            width: SIDE,
            height: SIDE,
            values: (0..SIDE * SIDE)
                .map(|i| {
                    let (x, y) = (i % SIDE, i / SIDE);
                    f32::from(u8::from(
                        (x0..x0 + width).contains(&x) && (40..200).contains(&y),
                    ))
                })
                .collect(),
        }
    }

    #[test]
    fn a_bar_measures_twice_its_ink_over_its_outline() {
        for width in [2, 5, 9] {
            let bar = bar(width);
            let measured = stroke_width(&bar, bounding_box(&bar).unwrap()).unwrap();
            let (w, l) = (width as f32, 160.0);
            let expected = 2.0 * w * l / (2.0 * l + 2.0 * w);
            assert!(
                (measured - expected).abs() < 0.005 * expected,
                "{width}: {measured}"
            );
        }
        assert_eq!(stroke_width(&bar(0), (0, 0, SIDE, SIDE)), None);
    }

    #[test]
    fn a_bar_at_the_planes_edge_measures_as_one_inside() {
        let inside = bar(5);
        let at_edge = Plane {
            width: SIDE - (SIDE - 5) / 2,
            height: SIDE,
            values: inside
                .values
                .chunks_exact(SIDE)
                .flat_map(|row| row[(SIDE - 5) / 2..].iter().copied())
                .collect(),
        };
        let width = |plane: &Plane| stroke_width(plane, bounding_box(plane).unwrap()).unwrap();
        assert_eq!(bounding_box(&at_edge).unwrap().0, 0);
        assert_eq!(width(&at_edge), width(&inside));
    }

    #[test]
    fn hairlines_are_thickened_to_mnists_width_and_strokes_as_wide_are_left() {
        // 4 pixels wide, fitted: half a pixel.
        let hairline = bar(4);
        let thicker =
            thickened(&hairline, bounding_box(&hairline).unwrap(), SCALE).expect("a hairline");
        let fitted = stroke_width(&thicker, bounding_box(&thicker).unwrap()).unwrap() * SCALE;
        assert!((fitted - TARGET).abs() < 0.3, "{fitted}");
        // Grown on every side, with room for it: 4 + 2 × 7 wide, 160 + 2 × 7 long.
        let (x0, y0, x1, y1) = bounding_box(&thicker).unwrap();
        assert_eq!((x0, y0), (0, 0));
        assert_eq!((x1, y1), (thicker.width, thicker.height));
        assert!(x1 > 4 && y1 > 160);
        // MNIST's median width, once fitted, stays as it is.
        let wide = bar(20);
        assert!(thickened(&wide, bounding_box(&wide).unwrap(), SCALE).is_none());
    }
}
