//! Hints to the processor that change no result.

/// Ask for the cache line holding `value` ahead of its use. Through `safe_arch` (a safe
/// wrapper of the x86_64 intrinsic); nothing on other targets.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    safe_arch::prefetch_t0(value);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
