//! The image-header reader (sizes of PNG, JPEG, GIF, WebP, BMP) on arbitrary bytes: a size or
//! nothing, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mnist_model::image_file;

fuzz_target!(|data: &[u8]| {
    if let Some((width, height)) = image_file::dimensions(data) {
        let _ = image_file::check(width, height);
    }
});
