//! The weights loader on arbitrary bytes, and on well-formed files of odd tensors: a clear
//! error, never a panic.
#![no_main]

use burn::tensor::Device;
use libfuzzer_sys::fuzz_target;
use mnist_model::weights;

include!("weights_input.rs");

fuzz_target!(|data: &[u8]| {
    let _ = weights::inspect(data);
    let _ = weights::decode(data, &Device::flex());
    if let Some(file) = weights_file(data) {
        let _ = weights::decode(&file, &Device::flex());
    }
});
