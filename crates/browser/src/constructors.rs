//! Start-up of a wasm module holding Burn: its static constructors, run once.
//!
//! Burn's GPU runtime (CubeCL) registers its operations with `inventory`, which on wasm are
//! static constructors. Unless a module calls `__wasm_call_ctors` itself, the linker treats it
//! as a command and runs every constructor again at the start of *every* exported function:
//! every event handler, every promise callback, every value passed to JavaScript (measured:
//! 1–5 ms a call, two thirds of the page's main-thread time while drawing). Calling it once
//! from the start function makes the module a reactor and the exports plain.

#[cfg(target_family = "wasm")]
#[allow(unsafe_code)] // The linker's own function: it takes nothing and returns nothing.
unsafe extern "C" {
    fn __wasm_call_ctors();
}

/// Runs the module's static constructors; call it once, first thing in the start function.
/// Elsewhere (the browser crates built natively for checks and tests) the platform runs them.
#[allow(unsafe_code)] // See the module's comment: sound when called once, before anything else.
pub fn run_constructors() {
    #[cfg(target_family = "wasm")]
    unsafe {
        __wasm_call_ctors()
    }
}
