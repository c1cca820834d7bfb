//! Hand-written AVX2 kernels for the commonest tests (integer and date comparisons, decimal
//! comparisons, enum codes, label sets): a compare and a move-mask per 8, 4 or 32 values. Each
//! returns false when the processor lacks AVX2, and the caller falls back to the plain loop.

use crate::rule::Cmp;

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

use std::sync::atomic::{AtomicU8, Ordering};

/// The widest kernels allowed: 2 = AVX-512, 1 = AVX2, 0 = the plain loops. Lowered by tests so
/// that every path is held to the same results.
static LEVEL: AtomicU8 = AtomicU8::new(2);

#[doc(hidden)]
pub fn limit_kernels(level: u8) {
    LEVEL.store(level, Ordering::Relaxed);
}

fn avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        LEVEL.load(Ordering::Relaxed) >= 2
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        LEVEL.load(Ordering::Relaxed) >= 1 && std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `(strict test, invert)`: Ge is not Lt, Le is not Gt, Ne is not Eq.
fn split(c: Cmp) -> (Cmp, bool) {
    match c {
        Cmp::Ge => (Cmp::Lt, true),
        Cmp::Le => (Cmp::Gt, true),
        Cmp::Ne => (Cmp::Eq, true),
        c => (c, false),
    }
}

/// The values past the last whole word, one at a time.
fn tail<T: Copy>(vals: &[T], out: &mut [u64], f: impl Fn(T) -> bool) {
    let whole = vals.len() / 64 * 64;
    if whole < vals.len() {
        let mut bits = 0u64;
        for (i, &v) in vals[whole..].iter().enumerate() {
            bits |= (f(v) as u64) << i;
        }
        out[whole / 64] = bits;
    }
}

pub fn cmp_i32(vals: &[i32], out: &mut [u64], c: Cmp, k: i32) -> bool {
    assert!(out.len() >= vals.len().div_ceil(64));
    #[cfg(target_arch = "x86_64")]
    if avx512() {
        // SAFETY: AVX-512 was detected; loads stay within each 64-value chunk.
        unsafe { cmp_i32_avx512(vals, out, c, k) };
    } else if avx2() {
        // SAFETY: AVX2 was detected.
        unsafe { cmp_i32_avx2(vals, out, c, k) };
    } else {
        return false;
    }
    #[cfg(not(target_arch = "x86_64"))]
    return false;
    tail(vals, out, |v| c.test(v, k));
    true
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn cmp_i32_avx2(vals: &[i32], out: &mut [u64], c: Cmp, k: i32) {
    let (strict, invert) = split(c);
    let kv = _mm256_set1_epi32(k);
    for (w, chunk) in out.iter_mut().zip(vals.chunks_exact(64)) {
        let mut bits = 0u64;
        for j in 0..8 {
            // SAFETY: 8 values at j*8 lie inside the 64-value chunk
            let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().add(j * 8) as *const __m256i) };
            let m = match strict {
                Cmp::Gt => _mm256_cmpgt_epi32(v, kv),
                Cmp::Lt => _mm256_cmpgt_epi32(kv, v),
                _ => _mm256_cmpeq_epi32(v, kv),
            };
            bits |= (_mm256_movemask_ps(_mm256_castsi256_ps(m)) as u32 as u64) << (j * 8);
        }
        *w = if invert { !bits } else { bits };
    }
}

pub fn cmp_f64(vals: &[f64], out: &mut [u64], c: Cmp, k: f64) -> bool {
    assert!(out.len() >= vals.len().div_ceil(64));
    #[cfg(target_arch = "x86_64")]
    if avx512() {
        // SAFETY: AVX-512 was detected.
        unsafe { cmp_f64_avx512(vals, out, c, k) };
    } else if avx2() {
        // SAFETY: AVX2 was detected.
        unsafe { cmp_f64_avx2(vals, out, c, k) };
    } else {
        return false;
    }
    #[cfg(not(target_arch = "x86_64"))]
    return false;
    tail(vals, out, |v| c.test(v, k));
    true
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn cmp_f64_avx2(vals: &[f64], out: &mut [u64], c: Cmp, k: f64) {
    let kv = _mm256_set1_pd(k);
    for (w, chunk) in out.iter_mut().zip(vals.chunks_exact(64)) {
        let mut bits = 0u64;
        for j in 0..16 {
            // SAFETY: 4 values at j*4 lie inside the chunk
            let v = unsafe { _mm256_loadu_pd(chunk.as_ptr().add(j * 4)) };
            let m = match c {
                Cmp::Ge => _mm256_cmp_pd::<_CMP_GE_OQ>(v, kv),
                Cmp::Gt => _mm256_cmp_pd::<_CMP_GT_OQ>(v, kv),
                Cmp::Le => _mm256_cmp_pd::<_CMP_LE_OQ>(v, kv),
                Cmp::Lt => _mm256_cmp_pd::<_CMP_LT_OQ>(v, kv),
                Cmp::Eq => _mm256_cmp_pd::<_CMP_EQ_OQ>(v, kv),
                Cmp::Ne => _mm256_cmp_pd::<_CMP_NEQ_UQ>(v, kv),
            };
            bits |= (_mm256_movemask_pd(m) as u32 as u64) << (j * 4);
        }
        *w = bits;
    }
}

/// Enum codes: true when the code's bit is in `mask` (inverted by `negate`).
pub fn codes(vals: &[u8], out: &mut [u64], mask: u64, negate: bool) -> bool {
    if mask.count_ones() > 8 {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    if avx512() {
        // SAFETY: AVX-512 was detected.
        unsafe { codes_avx512(vals, out, mask, negate) };
    } else if avx2() {
        // SAFETY: AVX2 was detected.
        unsafe { codes_avx2(vals, out, mask, negate) };
    } else {
        return false;
    }
    #[cfg(not(target_arch = "x86_64"))]
    return false;
    tail(vals, out, |c| ((mask >> (c & 63)) & 1 == 1) != negate);
    true
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn codes_avx2(vals: &[u8], out: &mut [u64], mask: u64, negate: bool) {
    let wanted: Vec<__m256i> = (0..64u8).filter(|c| mask >> c & 1 == 1).map(|c| _mm256_set1_epi8(c as i8)).collect();
    for (w, chunk) in out.iter_mut().zip(vals.chunks_exact(64)) {
        let mut bits = 0u64;
        for j in 0..2 {
            // SAFETY: 32 values at j*32 lie inside the chunk
            let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().add(j * 32) as *const __m256i) };
            let mut m = _mm256_setzero_si256();
            for x in &wanted {
                m = _mm256_or_si256(m, _mm256_cmpeq_epi8(v, *x));
            }
            bits |= (_mm256_movemask_epi8(m) as u32 as u64) << (j * 32);
        }
        *w = if negate { !bits } else { bits };
    }
}

/// Label sets: `any` (some label of `mask` held), `all` (every one), or none when `!any && !all`.
pub fn sets(vals: &[u64], out: &mut [u64], mask: u64, any: bool, all: bool) -> bool {
    assert!(out.len() >= vals.len().div_ceil(64));
    #[cfg(target_arch = "x86_64")]
    if avx512() {
        // SAFETY: AVX-512 was detected.
        unsafe { sets_avx512(vals, out, mask, any, all) };
    } else if avx2() {
        // SAFETY: AVX2 was detected.
        unsafe { sets_avx2(vals, out, mask, any, all) };
    } else {
        return false;
    }
    #[cfg(not(target_arch = "x86_64"))]
    return false;
    tail(vals, out, |s| {
        if all {
            s & mask == mask
        } else if any {
            s & mask != 0
        } else {
            s & mask == 0
        }
    });
    true
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sets_avx2(vals: &[u64], out: &mut [u64], mask: u64, any: bool, all: bool) {
    let mv = _mm256_set1_epi64x(mask as i64);
    let target = if all { mv } else { _mm256_setzero_si256() };
    for (w, chunk) in out.iter_mut().zip(vals.chunks_exact(64)) {
        let mut bits = 0u64;
        for j in 0..16 {
            // SAFETY: 4 values at j*4 lie inside the chunk
            let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().add(j * 4) as *const __m256i) };
            let eq = _mm256_cmpeq_epi64(_mm256_and_si256(v, mv), target);
            bits |= (_mm256_movemask_pd(_mm256_castsi256_pd(eq)) as u32 as u64) << (j * 4);
        }
        // all: (s & m) == m; none: (s & m) == 0; any: not none
        *w = if any && !all { !bits } else { bits };
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn cmp_i32_avx512(vals: &[i32], out: &mut [u64], c: Cmp, k: i32) {
    let kv = _mm512_set1_epi32(k);
    // the masks are stored straight into the words (x86 is little-endian): a shift-and-or
    // loop is "vectorised" by the compiler into a slow horizontal reduction
    let parts = out.as_mut_ptr() as *mut u16;
    for (w, chunk) in vals.chunks_exact(64).enumerate() {
        for j in 0..4 {
            // SAFETY: 16 values at j*16 lie inside the 64-value chunk
            let v = unsafe { _mm512_loadu_si512(chunk.as_ptr().add(j * 16) as *const __m512i) };
            let m = match c {
                Cmp::Ge => _mm512_cmpge_epi32_mask(v, kv),
                Cmp::Gt => _mm512_cmpgt_epi32_mask(v, kv),
                Cmp::Le => _mm512_cmple_epi32_mask(v, kv),
                Cmp::Lt => _mm512_cmplt_epi32_mask(v, kv),
                Cmp::Eq => _mm512_cmpeq_epi32_mask(v, kv),
                Cmp::Ne => _mm512_cmpneq_epi32_mask(v, kv),
            };
            // SAFETY: word w of `out` exists (one per 64 values) and holds four u16
            unsafe { parts.add(w * 4 + j).write_unaligned(m) };
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn cmp_f64_avx512(vals: &[f64], out: &mut [u64], c: Cmp, k: f64) {
    let kv = _mm512_set1_pd(k);
    let parts = out.as_mut_ptr() as *mut u8;
    for (w, chunk) in vals.chunks_exact(64).enumerate() {
        for j in 0..8 {
            // SAFETY: 8 values at j*8 lie inside the chunk
            let v = unsafe { _mm512_loadu_pd(chunk.as_ptr().add(j * 8)) };
            let m = match c {
                Cmp::Ge => _mm512_cmp_pd_mask::<_CMP_GE_OQ>(v, kv),
                Cmp::Gt => _mm512_cmp_pd_mask::<_CMP_GT_OQ>(v, kv),
                Cmp::Le => _mm512_cmp_pd_mask::<_CMP_LE_OQ>(v, kv),
                Cmp::Lt => _mm512_cmp_pd_mask::<_CMP_LT_OQ>(v, kv),
                Cmp::Eq => _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(v, kv),
                Cmp::Ne => _mm512_cmp_pd_mask::<_CMP_NEQ_UQ>(v, kv),
            };
            // SAFETY: word w of `out` exists and holds eight bytes
            unsafe { parts.add(w * 8 + j).write(m) };
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn codes_avx512(vals: &[u8], out: &mut [u64], mask: u64, negate: bool) {
    let mut wanted = [_mm512_setzero_si512(); 8];
    let mut nw = 0;
    for c in (0..64u8).filter(|c| mask >> c & 1 == 1) {
        wanted[nw] = _mm512_set1_epi8(c as i8);
        nw += 1;
    }
    for (w, chunk) in out.iter_mut().zip(vals.chunks_exact(64)) {
        // SAFETY: the chunk holds 64 bytes
        let v = unsafe { _mm512_loadu_si512(chunk.as_ptr() as *const __m512i) };
        let mut bits = 0u64;
        for x in &wanted[..nw] {
            bits |= _mm512_cmpeq_epi8_mask(v, *x);
        }
        *w = if negate { !bits } else { bits };
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn sets_avx512(vals: &[u64], out: &mut [u64], mask: u64, any: bool, all: bool) {
    let mv = _mm512_set1_epi64(mask as i64);
    let parts = out.as_mut_ptr() as *mut u8;
    for (w, chunk) in vals.chunks_exact(64).enumerate() {
        for j in 0..8 {
            // SAFETY: 8 values at j*8 lie inside the chunk
            let v = unsafe { _mm512_loadu_si512(chunk.as_ptr().add(j * 8) as *const __m512i) };
            let m = if all { _mm512_cmpeq_epi64_mask(_mm512_and_si512(v, mv), mv) } else { _mm512_test_epi64_mask(v, mv) };
            // any: some bit in common; none: no bit in common
            let m = if all || any { m } else { !m };
            // SAFETY: word w of `out` exists and holds eight bytes
            unsafe { parts.add(w * 8 + j).write(m) };
        }
    }
}

/// Set bits in `words`: the processor's population count (the default x86-64 target has no
/// popcnt instruction, and a bit-twiddling count per word cost more than the tests themselves).
pub fn popcount(words: &[u64]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        if LEVEL.load(Ordering::Relaxed) >= 2 && std::arch::is_x86_feature_detected!("avx512vpopcntdq") {
            // SAFETY: the feature was detected.
            return unsafe { popcount_avx512(words) };
        }
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the feature was detected.
            return unsafe { popcount_native(words) };
        }
    }
    words.iter().map(|w| w.count_ones() as usize).sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn popcount_native(words: &[u64]) -> usize {
    words.iter().map(|w| w.count_ones() as usize).sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vpopcntdq,popcnt")]
unsafe fn popcount_avx512(words: &[u64]) -> usize {
    words.iter().map(|w| w.count_ones() as usize).sum()
}
