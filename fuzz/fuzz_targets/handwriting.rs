//! The real writers' corpus parsers on arbitrary bytes, raw and as gzip: errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mnist_model::handwriting::{Corpus, Part};

fuzz_target!(|data: &[u8]| {
    for corpus in Corpus::ALL {
        if let Ok(scans) = corpus.parse(data) {
            for i in scans.part(Part::Validation).chain(0..scans.len().min(4)) {
                let _ = scans.input(i);
            }
        }
    }
});
