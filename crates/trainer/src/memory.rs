//! How the process's allocator treats tensor buffers.

/// Keeps freed memory in the process instead of handing it back to the kernel.
///
/// A training step allocates and frees the same few-megabyte activation buffers over and over.
/// glibc's defaults return such blocks to the kernel at once (`munmap`, or trimming the heap),
/// so every step faults the same pages in again: measured here, a quarter of the training time
/// on both `flex` and LibTorch. Keeping them costs nothing at steady state: the next step
/// reuses them. Blocks above glibc's largest allowed threshold (32 MB) are still mapped on
/// demand, which is why evaluation batches are sized to stay under it.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(
        unsafe_code,
        reason = "glibc's allocator settings are only reachable through FFI"
    )]
    // SAFETY: mallopt only changes the allocator's thresholds; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}

/// glibc's ceiling for `M_MMAP_THRESHOLD` on 64-bit (`DEFAULT_MMAP_THRESHOLD_MAX`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD_MAX: i32 = 32 << 20;
