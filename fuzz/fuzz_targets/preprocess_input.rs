// How fuzz input bytes become a bitmap for `preprocess`. Shared, through `include!`, by the
// fuzz target and by the test that replays kept inputs (crates/trainer/tests/fuzz_regressions.rs).

/// Width, height and format from the first five bytes (sizes up to 699, 0 included); bit 1 of
/// byte 4 asks for a buffer of exactly the implied size, cycled from the rest of the input.
pub fn bitmap_parts(data: &[u8]) -> Option<(usize, usize, mnist_model::PixelFormat, Vec<u8>)> {
    use mnist_model::PixelFormat;
    if data.len() < 5 {
        return None;
    }
    let width = u16::from_le_bytes([data[0], data[1]]) as usize % 700;
    let height = u16::from_le_bytes([data[2], data[3]]) as usize % 700;
    let format = if data[4] & 1 == 0 {
        PixelFormat::Gray
    } else {
        PixelFormat::Rgba
    };
    let rest = &data[5..];
    let pixels: Vec<u8> = if data[4] & 2 == 0 || rest.is_empty() {
        rest.to_vec()
    } else {
        let bpp = if format == PixelFormat::Gray { 1 } else { 4 };
        rest.iter()
            .copied()
            .cycle()
            .take(width * height * bpp)
            .collect()
    };
    Some((width, height, format, pixels))
}
