//! Strokes far thinner than MNIST's, thickened before a digit is fitted. A digit written with a
//! fine pen and photographed is a hairline once fitted into MNIST's 20-pixel box, where MNIST's
//! pencil strokes are two or three pixels wide, and the network reads such hairlines worse.
//! The pad needs none of this: it draws every digit again with a pen of MNIST's width.

use super::Plane;

/// Strokes narrower than this once fitted (in the 20-pixel box's pixels) are thickened: under
/// MNIST's thinnest 1 % (its 10,000 test digits: 1 % under 1.45 px, the median 2.40 px, as
/// [`stroke_width`] measures them), and under the pen training redraws digits with (9–20 % of
/// their size: 1.6 px and more), so that only hairlines are changed (a ballpoint's line on a
/// photographed digit, 3 % of its size: about 1 px).
const THIN: f32 = 1.3;
/// The width thin strokes are brought to: MNIST's median.
const TARGET: f32 = 2.4;

/// The typical width of the strokes in `plane`, in its pixels: twice their ink over the length
/// of their outline (for a stroke `w` wide and `l` long, `2wl / 2l`), the outline being the
/// ink's total variation. `None` without ink.
pub(crate) fn stroke_width(plane: &Plane) -> Option<f32> {
    let (w, h) = (plane.width, plane.height);
    let at = |x: usize, y: usize| {
        if x < w && y < h {
            plane.values[y * w + x]
        } else {
            0.0
        }
    };
    let (mut ink, mut outline) = (0.0, 0.0);
    for y in 0..h {
        for x in 0..w {
            let v = at(x, y);
            ink += v;
            outline += (v - at(x + 1, y)).hypot(v - at(x, y + 1));
        }
    }
    (outline > 0.0).then(|| 2.0 * ink / outline)
}

/// `ink` with its strokes thickened to [`TARGET`], where they are thinner than [`THIN`] once
/// the digit is fitted at `scale` (fitted pixels per pixel of `ink`); `None` where they are
/// not. The plane grows by the amount added on each side, so no stroke is cut at its edge.
pub(crate) fn thickened(ink: &Plane, scale: f32) -> Option<Plane> {
    let fitted = stroke_width(ink)? * scale;
    if fitted >= THIN {
        return None;
    }
    // Each step adds a pixel all round, alternating square and cross so the pen stays round.
    let steps = ((TARGET - fitted) / 2.0 / scale).round() as usize;
    if steps == 0 {
        return None;
    }
    let mut plane = padded(ink, steps);
    for step in 0..steps {
        plane = grown(&plane, step % 2 == 0);
    }
    Some(plane)
}

/// `plane` with `margin` blank pixels added on every side.
fn padded(plane: &Plane, margin: usize) -> Plane {
    let width = plane.width + 2 * margin;
    let height = plane.height + 2 * margin;
    let mut values = vec![0.0; width * height];
    for y in 0..plane.height {
        let row = &plane.values[y * plane.width..(y + 1) * plane.width];
        values[(y + margin) * width + margin..][..plane.width].copy_from_slice(row);
    }
    Plane {
        width,
        height,
        values,
    }
}

/// Each pixel the brightest of itself and its 8 neighbours (`square`) or its 4.
fn grown(plane: &Plane, square: bool) -> Plane {
    let (w, h) = (plane.width as isize, plane.height as isize);
    let values = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            let mut best = 0f32;
            for dy in -1..=1isize {
                for dx in -1..=1isize {
                    let (nx, ny) = (x + dx, y + dy);
                    let diagonal = dx != 0 && dy != 0;
                    if (square || !diagonal) && (0..w).contains(&nx) && (0..h).contains(&ny) {
                        best = best.max(plane.values[(ny * w + nx) as usize]);
                    }
                }
            }
            best
        })
        .collect();
    Plane {
        width: plane.width,
        height: plane.height,
        values,
    }
}

#[cfg(test)]
mod tests {
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
            let measured = stroke_width(&bar(width)).unwrap();
            let (w, l) = (width as f32, 160.0);
            let expected = 2.0 * w * l / (2.0 * l + 2.0 * w);
            assert!(
                (measured - expected).abs() < 0.005 * expected,
                "{width}: {measured}"
            );
        }
        assert_eq!(stroke_width(&bar(0)), None);
    }

    #[test]
    fn hairlines_are_thickened_to_mnists_width_and_strokes_as_wide_are_left() {
        // 4 pixels wide, fitted: half a pixel.
        let hairline = bar(4);
        let thicker = thickened(&hairline, SCALE).expect("a hairline");
        let fitted = stroke_width(&thicker).unwrap() * SCALE;
        assert!((fitted - TARGET).abs() < 0.3, "{fitted}");
        // Grown on every side, with room for it.
        assert!(thicker.width > hairline.width && thicker.height > hairline.height);
        // MNIST's median width, once fitted, stays as it is.
        assert!(thickened(&bar(20), SCALE).is_none());
    }
}
