//! What an image file claims to be, read from its header before anything is decoded, so that a
//! small file that would decode to gigabytes (a decompression bomb) is refused up front, with
//! the same limits in `trainer predict` and in the page.

/// Images wider or taller than this are refused.
pub const MAX_SIDE: u32 = 12_000;
/// Images with more pixels than this (64 MP, well above a phone photo's 12–50 MP) are refused;
/// as RGBA they would take 256 MB.
pub const MAX_PIXELS: u64 = 64 << 20;

/// An image whose header claims more than the limits allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "too large: {width}×{height} pixels (at most {MAX_SIDE} a side and {} megapixels)",
    MAX_PIXELS >> 20
)]
pub struct TooLarge {
    pub width: u32,
    pub height: u32,
}

/// Refuses sizes over the limits.
pub fn check(width: u32, height: u32) -> Result<(), TooLarge> {
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(TooLarge { width, height });
    }
    Ok(())
}

/// Width and height from the start of a PNG, JPEG, GIF, WebP or BMP file, if `header` holds
/// them (a JPEG's size can follow 64 KB of metadata).
///
/// Hand-written rather than the `imagesize` crate: these five formats take a screen of code,
/// fuzzed (`fuzz/fuzz_targets/image_header.rs`), and `imagesize` 0.15 reads the negative height
/// of a top-down BMP as a size of four billion, which would refuse a valid image.
pub fn dimensions(header: &[u8]) -> Option<(u32, u32)> {
    let bytes = |at: usize, n: usize| header.get(at..at + n);
    let be32 = |at: usize| Some(u32::from_be_bytes(bytes(at, 4)?.try_into().ok()?));
    let le32 = |at: usize| Some(u32::from_le_bytes(bytes(at, 4)?.try_into().ok()?));
    let le16 = |at: usize| {
        Some(u32::from(u16::from_le_bytes(
            bytes(at, 2)?.try_into().ok()?,
        )))
    };
    let le24 = |at: usize| {
        Some(
            bytes(at, 3)?
                .iter()
                .rev()
                .fold(0, |n, &b| n << 8 | u32::from(b)),
        )
    };
    match header {
        [0x89, b'P', b'N', b'G', ..] => Some((be32(16)?, be32(20)?)),
        [0xff, 0xd8, ..] => jpeg_dimensions(header),
        [b'G', b'I', b'F', b'8', ..] => Some((le16(6)?, le16(8)?)),
        [b'B', b'M', ..] => Some((le32(18)?, (le32(22)? as i32).unsigned_abs())),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => match header.get(12..16)? {
            b"VP8 " => Some((le16(26)? & 0x3fff, le16(28)? & 0x3fff)),
            b"VP8L" => {
                let bits = le32(21)?;
                Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
            }
            b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
            _ => None,
        },
        _ => None,
    }
}

/// Walks a JPEG's markers to its start-of-frame segment, which holds the size.
fn jpeg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        while *bytes.get(at)? != 0xff {
            at += 1;
        }
        while *bytes.get(at)? == 0xff {
            at += 1;
        }
        let marker = *bytes.get(at)?;
        at += 1;
        if matches!(marker, 0x01 | 0xd0..=0xd9) {
            continue; // no length
        }
        let length = usize::from(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
        if matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc) {
            let height = u16::from_be_bytes(bytes.get(at + 3..at + 5)?.try_into().ok()?);
            let width = u16::from_be_bytes(bytes.get(at + 5..at + 7)?.try_into().ok()?);
            return Some((u32::from(width), u32::from(height)));
        }
        at += length.max(2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_size_of_each_format() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(20_000u32.to_be_bytes());
        png.extend(300u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((20_000, 300)));

        // SOI, an APP0 segment, then a baseline SOF0 with height 480, width 640.
        let jpeg = [
            0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xc0, 0, 17, 8, 0x01, 0xe0, 0x02, 0x80,
        ];
        assert_eq!(dimensions(&jpeg), Some((640, 480)));
        assert_eq!(dimensions(b"GIF89a\x10\x00\x20\x00"), Some((16, 32)));

        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0".to_vec();
        webp.extend([0x3f, 0x9c, 0x00, 0x3f, 0x9c, 0x00]); // 39999 + 1 each way
        assert_eq!(dimensions(&webp), Some((40_000, 40_000)));
    }

    #[test]
    fn unknown_or_cut_headers_give_no_size() {
        assert_eq!(dimensions(b""), None);
        assert_eq!(dimensions(b"\x89PNG\r\n"), None);
        assert_eq!(dimensions(&[0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]), None);
        assert_eq!(dimensions(b"just some text"), None);
    }

    #[test]
    fn limits_sides_and_pixels() {
        assert!(check(4032, 3024).is_ok());
        assert!(check(MAX_SIDE, 100).is_ok());
        assert!(check(MAX_SIDE + 1, 100).is_err());
        let err = check(11_000, 11_000).unwrap_err();
        assert_eq!(
            err.to_string(),
            "too large: 11000×11000 pixels (at most 12000 a side and 64 megapixels)"
        );
    }
}
