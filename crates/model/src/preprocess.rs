//! Any bitmap (a 280×280 canvas, a phone photo of a digit on paper) to the 28×28 input the way
//! MNIST was made: white ink on black in 0..1, the ink's bounding box scaled to fit 20×20 with its
//! aspect ratio kept (anti-aliased), then placed so that its centre of mass sits at the centre.

use crate::network::{IMAGE_PIXELS, IMAGE_SIDE};

mod stroke_weight;

/// MNIST fits each digit's bounding box into a 20×20 square inside the 28×28 image.
const DIGIT_BOX: usize = 20;
/// Inputs are first box-filtered down to at most about this side (by a whole factor): the
/// 20×20 digit needs far fewer pixels, and a phone's pad (1,000+ device pixels) then costs a
/// tenth of the time. Strokes must stay wider than about half a working pixel to count.
const WORKING_SIDE: usize = 384;
/// Larger inputs are refused rather than allocated for.
pub const MAX_PIXELS: usize = 200_000_000;
/// Ink must stand out from the background by this much (of full scale) to count as a drawing.
const MIN_CONTRAST: f32 = 0.15;
/// After normalising ink to 0..1, fainter values are paper texture or noise.
const INK_FLOOR: f32 = 0.2;
/// Ink blobs lighter than this share of the heaviest one are specks, not parts of the digit.
const SPECK_SHARE: f32 = 0.05;

/// How the bytes of a [`Bitmap`] are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// One byte per pixel.
    Gray,
    /// Four bytes per pixel, as in a canvas's `ImageData`.
    Rgba,
}

impl PixelFormat {
    fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Gray => 1,
            PixelFormat::Rgba => 4,
        }
    }
}

/// A borrowed 8-bit image, row by row from the top left.
#[derive(Debug, Clone, Copy)]
pub struct Bitmap<'a> {
    pub width: usize,
    pub height: usize,
    pub format: PixelFormat,
    pub pixels: &'a [u8],
}

/// Why an image could not be turned into a model input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreprocessError {
    #[error("nothing drawn: the image is blank")]
    Blank,
    #[error("the image has no pixels ({width}×{height})")]
    NoPixels { width: usize, height: usize },
    #[error("a {width}×{height} image needs {expected} bytes, got {actual}")]
    WrongLength {
        width: usize,
        height: usize,
        expected: usize,
        actual: usize,
    },
    #[error("the image is too large: {width}×{height} (at most {MAX_PIXELS} pixels)")]
    TooLarge { width: usize, height: usize },
}

/// A greyscale working image, values 0..1.
pub(crate) struct Plane {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) values: Vec<f32>,
}

/// Turns `bitmap` into the 28×28 model input, row-major, white ink on black, 0..1.
pub fn preprocess(bitmap: Bitmap<'_>) -> Result<[f32; IMAGE_PIXELS], PreprocessError> {
    let (ink, _) = ink_plane(bitmap)?;
    digit_input(&ink)
}

/// The ink of `bitmap` on a zero background, at the working size, and how many source pixels
/// make one working pixel along each side.
pub(crate) fn ink_plane(bitmap: Bitmap<'_>) -> Result<(Plane, usize), PreprocessError> {
    let luminance = luminance(bitmap)?;
    Ok((ink(luminance)?, working_factor(bitmap)))
}

/// The 28×28 input for a drawing made here in black ink on white, `width`×`height` 8-bit grey
/// pixels (`strokes::drawing`): which is ink is known, not guessed as for a photo, where a
/// digit whose ink covers most of the image would be taken for the paper.
pub(crate) fn drawn_input(
    width: usize,
    height: usize,
    canvas: &[u8],
) -> Result<[f32; IMAGE_PIXELS], PreprocessError> {
    let values = canvas
        .iter()
        .map(|&v| floored(1.0 - v as f32 / 255.0))
        .collect();
    let mut plane = Plane {
        width,
        height,
        values,
    };
    remove_specks(&mut plane);
    digit_input(&plane)
}

/// The 28×28 input for the ink in `ink`: its bounding box fitted into 20×20, centred by mass,
/// its strokes first thickened where they would be hairlines there ([`stroke_weight`]).
pub(crate) fn digit_input(ink: &Plane) -> Result<[f32; IMAGE_PIXELS], PreprocessError> {
    let bounds = bounding_box(ink).ok_or(PreprocessError::Blank)?;
    let (x0, y0, x1, y1) = bounds;
    let scale = DIGIT_BOX as f32 / (x1 - x0).max(y1 - y0) as f32;
    match stroke_weight::thickened(ink, bounds, scale) {
        // Grown by its margin on every side, the ink fills the cut-out to its edges.
        Some(thicker) => fitted(&thicker, (0, 0, thicker.width, thicker.height)),
        None => fitted(ink, bounds),
    }
}

/// The 28×28 input for the ink in `bounds` of `ink`, as it is.
fn fitted(ink: &Plane, (x0, y0, x1, y1): Bounds) -> Result<[f32; IMAGE_PIXELS], PreprocessError> {
    let (w, h) = (x1 - x0, y1 - y0);
    let scale = DIGIT_BOX as f32 / w.max(h) as f32;
    let tw = ((w as f32 * scale).round() as usize).clamp(1, DIGIT_BOX);
    let th = ((h as f32 * scale).round() as usize).clamp(1, DIGIT_BOX);
    let mut digit = resample(ink, (x0, y0, w, h), tw, th);
    let max = digit.iter().copied().fold(0.0, f32::max);
    if max <= 0.0 {
        return Err(PreprocessError::Blank);
    }
    digit.iter_mut().for_each(|v| *v /= max);
    Ok(centre_by_mass(&digit, tw, th))
}

/// Checks the buffer, flattens alpha, and box-filters large inputs down to a working size.
fn luminance(bitmap: Bitmap<'_>) -> Result<Plane, PreprocessError> {
    let Bitmap {
        width,
        height,
        format,
        pixels,
    } = bitmap;
    if width == 0 || height == 0 {
        return Err(PreprocessError::NoPixels { width, height });
    }
    let count = width
        .checked_mul(height)
        .filter(|&n| n <= MAX_PIXELS)
        .ok_or(PreprocessError::TooLarge { width, height })?;
    let expected = count * format.bytes_per_pixel();
    if pixels.len() != expected {
        return Err(PreprocessError::WrongLength {
            width,
            height,
            expected,
            actual: pixels.len(),
        });
    }

    let backdrop = alpha_backdrop(bitmap);
    let factor = working_factor(bitmap);
    let (pw, ph) = (width.div_ceil(factor), height.div_ceil(factor));
    let mut sums = vec![0.0f32; pw * ph];
    let mut counts = vec![0u32; pw * ph];
    let bpp = format.bytes_per_pixel();
    for (y, row) in pixels.chunks_exact(width * bpp).enumerate() {
        let out = (y / factor) * pw;
        // `factor` source pixels per working pixel: no division per pixel.
        for (ox, run) in row.chunks(factor * bpp).enumerate() {
            let sum: f32 = match format {
                PixelFormat::Gray => run.iter().map(|&v| v as f32).sum::<f32>() / 255.0,
                PixelFormat::Rgba => run
                    .chunks_exact(4)
                    .map(|p| {
                        let lum = (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32)
                            / 255.0;
                        let alpha = p[3] as f32 / 255.0;
                        lum * alpha + backdrop * (1.0 - alpha)
                    })
                    .sum(),
            };
            sums[out + ox] += sum;
            counts[out + ox] += (run.len() / bpp) as u32;
        }
    }
    let values = sums
        .iter()
        .zip(&counts)
        .map(|(s, &c)| s / c as f32)
        .collect();
    Ok(Plane {
        width: pw,
        height: ph,
        values,
    })
}

/// Source pixels per working pixel along each side: the whole factor that brings the longer
/// side down to about [`WORKING_SIDE`].
fn working_factor(bitmap: Bitmap<'_>) -> usize {
    bitmap.width.max(bitmap.height).div_ceil(WORKING_SIDE)
}

/// The colour that transparent pixels stand for: the opposite of the visible ink, so that a
/// drawing on a transparent background keeps its strokes whatever their colour.
fn alpha_backdrop(bitmap: Bitmap<'_>) -> f32 {
    if bitmap.format != PixelFormat::Rgba {
        return 0.0;
    }
    // Exact integer sums: alpha-weighted brightness (×765) and alpha.
    let (mut weighted, mut total) = (0u64, 0u64);
    for p in bitmap.pixels.chunks_exact(4) {
        let alpha = u64::from(p[3]);
        weighted += alpha * (u64::from(p[0]) + u64::from(p[1]) + u64::from(p[2]));
        total += alpha;
    }
    if total == 0 || weighted * 2 > total * 765 {
        0.0
    } else {
        1.0
    }
}

/// Ink as bright values on a zero background: polarity detected from the border, background
/// level and contrast normalised, faint noise and isolated specks removed.
fn ink(mut plane: Plane) -> Result<Plane, PreprocessError> {
    if border_mean(&plane) > 0.5 {
        plane.values.iter_mut().for_each(|v| *v = 1.0 - *v);
    }
    let background = median(&plane.values);
    let peak = blurred_max(&plane);
    let contrast = peak - background;
    if contrast < MIN_CONTRAST {
        return Err(PreprocessError::Blank);
    }
    for v in &mut plane.values {
        *v = floored(((*v - background) / contrast).clamp(0.0, 1.0));
    }
    remove_specks(&mut plane);
    Ok(plane)
}

/// Ink normalised to 0..1, with what is fainter than `INK_FLOOR` taken for paper.
fn floored(ink: f32) -> f32 {
    if ink < INK_FLOOR { 0.0 } else { ink }
}

fn border_mean(plane: &Plane) -> f32 {
    let (w, h) = (plane.width, plane.height);
    let band = (w.min(h) / 50).max(1);
    let (mut sum, mut count) = (0.0, 0usize);
    for (y, row) in plane.values.chunks_exact(w).enumerate() {
        if y < band || y >= h.saturating_sub(band) {
            sum += row.iter().sum::<f32>();
            count += w;
        } else {
            // Only the left and right bands of the rows in between.
            let (left, rest) = row.split_at(band.min(w));
            let right = &rest[rest.len().saturating_sub(band)..];
            sum += left.iter().sum::<f32>() + right.iter().sum::<f32>();
            count += left.len() + right.len();
        }
    }
    sum / count as f32
}

fn median(values: &[f32]) -> f32 {
    const BINS: usize = 1024;
    let mut histogram = [0usize; BINS];
    for v in values {
        histogram[((v.clamp(0.0, 1.0) * (BINS - 1) as f32) as usize).min(BINS - 1)] += 1;
    }
    let mut seen = 0;
    for (bin, count) in histogram.iter().enumerate() {
        seen += count;
        if seen * 2 >= values.len() {
            return bin as f32 / (BINS - 1) as f32;
        }
    }
    1.0
}

/// The brightest 3×3 average: a stroke's level, not a single noisy pixel's. Near the edges the
/// average is over the pixels inside the image.
fn blurred_max(plane: &Plane) -> f32 {
    let (w, h) = (plane.width, plane.height);
    // Horizontal 3-sums (and how many pixels each covers), then vertical sums of those.
    let window = |i: usize, n: usize| (i.saturating_sub(1), (i + 2).min(n));
    let mut rows = vec![0.0f32; w * h];
    for (src, dst) in plane.values.chunks_exact(w).zip(rows.chunks_exact_mut(w)) {
        for (x, out) in dst.iter_mut().enumerate() {
            let (a, b) = window(x, w);
            *out = src[a..b].iter().sum();
        }
    }
    let mut best = 0.0f32;
    for y in 0..h {
        let (a, b) = window(y, h);
        for x in 0..w {
            let (c, d) = window(x, w);
            let sum: f32 = (a..b).map(|yy| rows[yy * w + x]).sum();
            best = best.max(sum / ((b - a) * (d - c)) as f32);
        }
    }
    best
}

/// Clears 8-connected ink blobs much lighter than the heaviest one (dust, paper specks).
fn remove_specks(plane: &mut Plane) {
    let (label, components) = components(plane);
    let heaviest = components.iter().map(|c| c.mass).fold(0.0f32, f32::max);
    for (v, &id) in plane.values.iter_mut().zip(&label) {
        if id != u32::MAX && components[id as usize].mass < SPECK_SHARE * heaviest {
            *v = 0.0;
        }
    }
}

/// One 8-connected blob of ink: its mass and its half-open box.
pub(crate) struct Component {
    pub(crate) mass: f32,
    pub(crate) x0: usize,
    pub(crate) y0: usize,
    pub(crate) x1: usize,
    pub(crate) y1: usize,
}

/// The 8-connected blobs of ink in `plane`, and the blob of each pixel (`u32::MAX` for none).
pub(crate) fn components(plane: &Plane) -> (Vec<u32>, Vec<Component>) {
    let (w, h) = (plane.width, plane.height);
    let mut label = vec![u32::MAX; w * h];
    let mut found = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if plane.values[start] == 0.0 || label[start] != u32::MAX {
            continue;
        }
        let id = found.len() as u32;
        let (sx, sy) = (start % w, start / w);
        let mut c = Component {
            mass: 0.0,
            x0: sx,
            y0: sy,
            x1: sx + 1,
            y1: sy + 1,
        };
        label[start] = id;
        stack.push(start);
        while let Some(i) = stack.pop() {
            c.mass += plane.values[i];
            let (x, y) = (i % w, i / w);
            (c.x0, c.y0, c.x1, c.y1) = (c.x0.min(x), c.y0.min(y), c.x1.max(x + 1), c.y1.max(y + 1));
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let n = ny * w + nx;
                    if plane.values[n] > 0.0 && label[n] == u32::MAX {
                        label[n] = id;
                        stack.push(n);
                    }
                }
            }
        }
        found.push(c);
    }
    (label, found)
}

/// A half-open box `(x0, y0, x1, y1)` in a plane.
pub(crate) type Bounds = (usize, usize, usize, usize);

/// The box around all ink, or `None` if there is none.
pub(crate) fn bounding_box(plane: &Plane) -> Option<Bounds> {
    let mut bounds: Option<(usize, usize, usize, usize)> = None;
    for (i, &v) in plane.values.iter().enumerate() {
        if v > 0.0 {
            let (x, y) = (i % plane.width, i / plane.width);
            bounds = Some(match bounds {
                None => (x, y, x + 1, y + 1),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1)),
            });
        }
    }
    bounds
}

/// Resamples the `crop` of `plane` to `tw`×`th`: area averaging when shrinking (anti-aliased),
/// linear interpolation when enlarging.
fn resample(plane: &Plane, crop: (usize, usize, usize, usize), tw: usize, th: usize) -> Vec<f32> {
    let (x0, y0, cw, ch) = crop;
    let wx = weights_1d(cw, tw);
    let wy = weights_1d(ch, th);
    // Horizontal pass over the crop's rows, then vertical.
    let mut rows = vec![0.0f32; ch * tw];
    for y in 0..ch {
        let src = &plane.values[(y0 + y) * plane.width + x0..][..cw];
        for (ox, taps) in wx.iter().enumerate() {
            rows[y * tw + ox] = taps.iter().map(|&(i, w)| src[i] * w).sum();
        }
    }
    let mut out = vec![0.0f32; tw * th];
    for (oy, taps) in wy.iter().enumerate() {
        for ox in 0..tw {
            out[oy * tw + ox] = taps.iter().map(|&(i, w)| rows[i * tw + ox] * w).sum();
        }
    }
    out
}

/// For each of `n_out` samples, the source indices and weights (summing to 1) covering it.
fn weights_1d(n_in: usize, n_out: usize) -> Vec<Vec<(usize, f32)>> {
    let ratio = n_in as f32 / n_out as f32;
    (0..n_out)
        .map(|o| {
            if ratio >= 1.0 {
                let (start, end) = (o as f32 * ratio, (o + 1) as f32 * ratio);
                let mut taps = Vec::new();
                let mut i = start.floor() as usize;
                while (i as f32) < end && i < n_in {
                    let cover = (end.min(i as f32 + 1.0) - start.max(i as f32)).max(0.0);
                    if cover > 0.0 {
                        taps.push((i, cover / ratio));
                    }
                    i += 1;
                }
                taps
            } else {
                let centre = ((o as f32 + 0.5) * ratio - 0.5).clamp(0.0, (n_in - 1) as f32);
                let i = centre.floor() as usize;
                let t = centre - i as f32;
                if i + 1 < n_in {
                    vec![(i, 1.0 - t), (i + 1, t)]
                } else {
                    vec![(i, 1.0)]
                }
            }
        })
        .collect()
}

/// Places the `w`×`h` digit on the 28×28 canvas so that its centre of mass is at the centre.
fn centre_by_mass(digit: &[f32], w: usize, h: usize) -> [f32; IMAGE_PIXELS] {
    let (mut mass, mut mx, mut my) = (0.0f32, 0.0f32, 0.0f32);
    for y in 0..h {
        for x in 0..w {
            let v = digit[y * w + x];
            mass += v;
            mx += v * (x as f32 + 0.5);
            my += v * (y as f32 + 0.5);
        }
    }
    let centre = IMAGE_SIDE as f32 / 2.0;
    let offset = |com: f32, size: usize| -> usize {
        ((centre - com / mass).round().max(0.0) as usize).min(IMAGE_SIDE - size)
    };
    let (ox, oy) = (offset(mx, w), offset(my, h));
    let mut out = [0.0f32; IMAGE_PIXELS];
    for y in 0..h {
        out[(oy + y) * IMAGE_SIDE + ox..][..w].copy_from_slice(&digit[y * w..][..w]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `side`×`side` grey canvas with value `bg` and a ring of value `ink` drawn at
    /// centre (cx, cy) with radius r and stroke width s.
    fn ring(side: usize, bg: u8, ink: u8, (cx, cy, r, s): (f32, f32, f32, f32)) -> Vec<u8> {
        let mut pixels = vec![bg; side * side];
        for y in 0..side {
            for x in 0..side {
                let d = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
                if (d - r).abs() < s / 2.0 {
                    pixels[y * side + x] = ink;
                }
            }
        }
        pixels
    }

    fn gray(side: usize, pixels: &[u8]) -> Bitmap<'_> {
        Bitmap {
            width: side,
            height: side,
            format: PixelFormat::Gray,
            pixels,
        }
    }

    fn ink_extent(image: &[f32; IMAGE_PIXELS]) -> (usize, usize, usize, usize) {
        let plane = Plane {
            width: IMAGE_SIDE,
            height: IMAGE_SIDE,
            values: image.to_vec(),
        };
        bounding_box(&plane).unwrap()
    }

    fn centre_of_mass(image: &[f32; IMAGE_PIXELS]) -> (f32, f32) {
        let (mut m, mut x, mut y) = (0.0, 0.0, 0.0);
        for (i, v) in image.iter().enumerate() {
            m += v;
            x += v * ((i % IMAGE_SIDE) as f32 + 0.5);
            y += v * ((i / IMAGE_SIDE) as f32 + 0.5);
        }
        (x / m, y / m)
    }

    #[test]
    fn fits_the_ink_into_20_pixels_centred_by_mass() {
        let pixels = ring(280, 0, 255, (90.0, 200.0, 40.0, 12.0));
        let image = preprocess(gray(280, &pixels)).unwrap();
        let (x0, y0, x1, y1) = ink_extent(&image);
        assert_eq!((x1 - x0, y1 - y0), (20, 20));
        let (cx, cy) = centre_of_mass(&image);
        assert!(
            (cx - 14.0).abs() <= 0.5 && (cy - 14.0).abs() <= 0.5,
            "{cx} {cy}"
        );
        let max = image.iter().copied().fold(0.0, f32::max);
        assert!((max - 1.0).abs() < 1e-6 && image.iter().all(|v| (0.0..=1.0).contains(v)));
    }

    #[test]
    fn keeps_the_aspect_ratio_of_a_narrow_stroke() {
        let mut pixels = vec![0u8; 100 * 100];
        for y in 10..90 {
            for x in 45..55 {
                pixels[y * 100 + x] = 255;
            }
        }
        let image = preprocess(gray(100, &pixels)).unwrap();
        let (x0, y0, x1, y1) = ink_extent(&image);
        assert_eq!(y1 - y0, 20);
        assert!((2..=4).contains(&(x1 - x0)), "width {}", x1 - x0);
    }

    #[test]
    fn dark_on_light_equals_light_on_dark() {
        let shape = (150.0, 140.0, 60.0, 15.0);
        let light = ring(300, 0, 255, shape);
        let dark = ring(300, 255, 0, shape);
        assert_eq!(preprocess(gray(300, &light)), preprocess(gray(300, &dark)));
    }

    #[test]
    fn reads_rgba_and_transparent_backgrounds() {
        let shape = (50.0, 50.0, 30.0, 8.0);
        let grey = preprocess(gray(100, &ring(100, 0, 255, shape))).unwrap();
        // Black ink on a transparent background, as many PNG exports are.
        let rgba: Vec<u8> = ring(100, 0, 255, shape)
            .iter()
            .flat_map(|&v| [0, 0, 0, v])
            .collect();
        let bitmap = Bitmap {
            width: 100,
            height: 100,
            format: PixelFormat::Rgba,
            pixels: &rgba,
        };
        let transparent = preprocess(bitmap).unwrap();
        for (a, b) in grey.iter().zip(transparent.iter()) {
            assert!((a - b).abs() < 1e-3);
        }
    }

    #[test]
    fn ignores_specks_and_a_grey_paper_background() {
        let mut pixels = ring(400, 200, 60, (200.0, 200.0, 100.0, 20.0));
        pixels[5 * 400 + 5] = 0; // a dust speck in the corner
        let clean = ring(400, 200, 60, (200.0, 200.0, 100.0, 20.0));
        assert_eq!(
            preprocess(gray(400, &pixels)),
            preprocess(gray(400, &clean))
        );
    }

    #[test]
    fn a_blank_or_featureless_image_is_nothing_drawn() {
        assert_eq!(
            preprocess(gray(280, &[0; 280 * 280])),
            Err(PreprocessError::Blank)
        );
        assert_eq!(
            preprocess(gray(50, &[255; 2500])),
            Err(PreprocessError::Blank)
        );
        let faint: Vec<u8> = (0..10_000).map(|i| 120 + (i * 7 % 13) as u8).collect();
        assert_eq!(preprocess(gray(100, &faint)), Err(PreprocessError::Blank));
    }

    #[test]
    fn rejects_malformed_buffers() {
        let none = Bitmap {
            width: 0,
            height: 0,
            format: PixelFormat::Gray,
            pixels: &[],
        };
        assert!(matches!(
            preprocess(none),
            Err(PreprocessError::NoPixels { .. })
        ));
        let short = Bitmap {
            width: 10,
            height: 10,
            format: PixelFormat::Rgba,
            pixels: &[0; 399],
        };
        assert!(matches!(
            preprocess(short),
            Err(PreprocessError::WrongLength { .. })
        ));
        let huge = Bitmap {
            width: usize::MAX,
            height: 3,
            format: PixelFormat::Rgba,
            pixels: &[],
        };
        assert!(matches!(
            preprocess(huge),
            Err(PreprocessError::TooLarge { .. })
        ));
    }

    #[test]
    fn handles_tiny_and_huge_images() {
        let dot = preprocess(gray(1, &[255])).unwrap_err();
        assert_eq!(
            dot,
            PreprocessError::Blank,
            "a single uniform pixel has no contrast"
        );
        let small = ring(12, 0, 255, (6.0, 6.0, 4.0, 2.0));
        assert!(preprocess(gray(12, &small)).is_ok());
        let big = ring(3000, 255, 0, (1500.0, 1500.0, 900.0, 120.0));
        let image = preprocess(gray(3000, &big)).unwrap();
        let (x0, y0, x1, y1) = ink_extent(&image);
        assert_eq!((x1 - x0).max(y1 - y0), 20);
    }
}
