//! Bit sets over enterprises: bit i of word i/64 stands for row i. Bits past the last row are
//! kept zero.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bits {
    pub words: Vec<u64>,
    pub n: usize,
}

impl Bits {
    pub fn zeros(n: usize) -> Bits {
        Bits { words: vec![0; n.div_ceil(64)], n }
    }
    pub fn ones(n: usize) -> Bits {
        let mut b = Bits { words: vec![!0; n.div_ceil(64)], n };
        b.trim();
        b
    }
    /// Clears the bits past the last row.
    pub fn trim(&mut self) {
        let r = self.n % 64;
        if r != 0 {
            if let Some(w) = self.words.last_mut() {
                *w &= (1u64 << r) - 1;
            }
        }
    }
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }
    #[inline]
    pub fn set(&mut self, i: usize, v: bool) {
        let w = &mut self.words[i / 64];
        if v {
            *w |= 1 << (i % 64);
        } else {
            *w &= !(1 << (i % 64));
        }
    }
    pub fn count(&self) -> usize {
        crate::simd::popcount(&self.words)
    }
    pub fn and_with(&mut self, o: &Bits) {
        self.words.iter_mut().zip(&o.words).for_each(|(a, b)| *a &= b);
    }
    pub fn or_with(&mut self, o: &Bits) {
        self.words.iter_mut().zip(&o.words).for_each(|(a, b)| *a |= b);
    }
    /// Rows set here and not in `o`.
    pub fn and_not(&self, o: &Bits) -> Bits {
        Bits { words: self.words.iter().zip(&o.words).map(|(a, b)| a & !b).collect(), n: self.n }
    }
    pub fn not(&self) -> Bits {
        let mut b = Bits { words: self.words.iter().map(|w| !w).collect(), n: self.n };
        b.trim();
        b
    }
    pub fn iter_ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let t = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + t)
            })
        })
    }
}

/// Fills `out` with one bit per value: `f(value)`. Kept generic and inlined so that the
/// compiler vectorises the inner loop for each test; `fill` picks the widest instruction set the
/// processor has.
#[inline(always)]
fn fill_generic<T: Copy, F: Fn(T) -> bool>(vals: &[T], out: &mut [u64], f: F) {
    let mut chunks = vals.chunks_exact(64);
    for (w, c) in out.iter_mut().zip(chunks.by_ref()) {
        let c: &[T; 64] = c.try_into().expect("64");
        let mut bits = 0u64;
        for (i, &v) in c.iter().enumerate() {
            bits |= (f(v) as u64) << i;
        }
        *w = bits;
    }
    let rem = chunks.remainder();
    if !rem.is_empty() {
        let mut bits = 0u64;
        for (i, &v) in rem.iter().enumerate() {
            bits |= (f(v) as u64) << i;
        }
        out[vals.len() / 64] = bits;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
unsafe fn fill_avx2<T: Copy, F: Fn(T) -> bool>(vals: &[T], out: &mut [u64], f: F) {
    fill_generic(vals, out, f)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2,bmi1,bmi2,popcnt")]
unsafe fn fill_avx512<T: Copy, F: Fn(T) -> bool>(vals: &[T], out: &mut [u64], f: F) {
    fill_generic(vals, out, f)
}

/// One bit per value, `f(value)`, into `out` (which has room for every value).
#[inline]
pub fn fill<T: Copy, F: Fn(T) -> bool>(vals: &[T], out: &mut [u64], f: F) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512bw") && std::arch::is_x86_feature_detected!("avx512vl") {
            // SAFETY: the features were detected on this processor.
            return unsafe { fill_avx512(vals, out, f) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("bmi2") {
            // SAFETY: as above.
            return unsafe { fill_avx2(vals, out, f) };
        }
    }
    fill_generic(vals, out, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_matches_the_values_and_keeps_the_tail_clear() {
        for n in [0, 1, 63, 64, 65, 200] {
            let vals: Vec<i32> = (0..n as i32).collect();
            let mut b = Bits::zeros(n);
            fill(&vals, &mut b.words, |v| v % 3 == 0);
            assert_eq!(b.count(), (0..n).filter(|v| v % 3 == 0).count());
            assert_eq!(b.iter_ones().collect::<Vec<_>>(), (0..n).filter(|v| v % 3 == 0).collect::<Vec<_>>());
            assert_eq!(b.not().count(), n - b.count());
        }
    }
}
