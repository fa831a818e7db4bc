//! `preprocess` on images of any size (0×0 included) and any pixels, well-formed or not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mnist_model::{Bitmap, preprocess};

include!("preprocess_input.rs");

fuzz_target!(|data: &[u8]| {
    if let Some((width, height, format, pixels)) = bitmap_parts(data) {
        let _ = preprocess(Bitmap {
            width,
            height,
            format,
            pixels: &pixels,
        });
    }
});
