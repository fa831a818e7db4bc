//! The IDX reader on arbitrary bytes, raw and as gzip: errors, never a panic or a huge allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mnist_model::idx::{gunzip, parse_images, parse_labels};

fuzz_target!(|data: &[u8]| {
    let _ = parse_images(data);
    let _ = parse_labels(data);
    if let Ok(raw) = gunzip(data) {
        let _ = parse_images(&raw);
        let _ = parse_labels(&raw);
    }
});
