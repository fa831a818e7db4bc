//! The weights loader on arbitrary bytes: a clear error, never a panic.
#![no_main]

use burn::tensor::Device;
use libfuzzer_sys::fuzz_target;
use mnist_model::weights;

fuzz_target!(|data: &[u8]| {
    let _ = weights::inspect(data);
    let _ = weights::decode(data, &Device::flex());
});
