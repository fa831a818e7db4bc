//! Text drawn with the built-in font into a greyscale image: the letters `probes` shows the
//! network, and the captions of `misses`.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::GrayImage;

use crate::assets::FONT;

/// The built-in font.
pub fn font() -> FontRef<'static> {
    FontRef::try_from_slice(FONT).expect("the built-in font parses")
}

/// `text` in black with its baseline at `y`.
pub fn text(picture: &mut GrayImage, font: &FontRef<'_>, text: &str, x: u32, y: u32, size: f32) {
    let scale = PxScale::from(size);
    let mut caret = x as f32;
    for c in text.chars() {
        let glyph = font
            .glyph_id(c)
            .with_scale_and_position(scale, point(caret, y as f32));
        caret += font.as_scaled(scale).h_advance(glyph.id);
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let (px, py) = (
                bounds.min.x as i64 + gx as i64,
                bounds.min.y as i64 + gy as i64,
            );
            if (0..picture.width() as i64).contains(&px)
                && (0..picture.height() as i64).contains(&py)
            {
                let pixel = picture.get_pixel_mut(px as u32, py as u32);
                pixel.0[0] = pixel.0[0].min(255 - (coverage.clamp(0.0, 1.0) * 255.0) as u8);
            }
        });
    }
}
