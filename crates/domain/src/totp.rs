//! TOTP second factor (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, ±1 step accepted).

use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sha1::Sha1;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const STEP_SECONDS: i64 = 30;

/// RFC 4648 base32 without padding.
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    let mut buf: u32 = 0;
    let mut bits = 0;
    for &b in data {
        buf = (buf << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buf >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32, ignoring spaces, dashes, padding and case. `None` on any other character.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf: u32 = 0;
    let mut bits = 0;
    for c in s.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
        let v = ALPHABET.iter().position(|&a| a as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push(((buf >> (bits - 8)) & 0xff) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// A new random 160-bit secret, base32.
pub fn new_secret() -> String {
    let mut key = [0u8; 20];
    rand::rng().fill_bytes(&mut key);
    base32_encode(&key)
}

pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The 6-digit code of `secret` for time step `step` (RFC 4226 dynamic truncation).
pub fn code_at_step(key: &[u8], step: i64) -> String {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&(step as u64).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[h.len() - 1] & 0x0f) as usize;
    let bin = ((h[off] as u32 & 0x7f) << 24) | ((h[off + 1] as u32) << 16) | ((h[off + 2] as u32) << 8) | h[off + 3] as u32;
    format!("{:06}", bin % 1_000_000)
}

pub fn code_at(secret_b32: &str, unix_seconds: i64) -> Option<String> {
    Some(code_at_step(&base32_decode(secret_b32)?, step_of(unix_seconds)))
}

/// Checks `code` against the steps around `unix_seconds`. Returns the matching step, which the
/// caller stores so that the same code cannot be replayed; steps at or before `last_used` fail.
pub fn verify(secret_b32: &str, code: &str, unix_seconds: i64, last_used: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let key = base32_decode(secret_b32)?;
    let now = step_of(unix_seconds);
    [now - 1, now, now + 1]
        .into_iter()
        .filter(|s| last_used.is_none_or(|l| *s > l))
        .find(|s| constant_eq(code_at_step(&key, *s).as_bytes(), code.as_bytes()))
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    format!("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30", enc(issuer), enc(account), secret, enc(issuer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", 8-digit codes; the 6-digit
        // code is the last six digits.
        let key = b"12345678901234567890";
        for (t, code8) in [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")] {
            assert_eq!(code_at_step(key, step_of(t)), code8[2..]);
        }
    }

    #[test]
    fn base32_roundtrip() {
        let k = b"12345678901234567890";
        let s = base32_encode(k);
        assert_eq!(s, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&s.to_lowercase()).unwrap(), k);
        assert!(base32_decode("not base32!").is_none());
    }

    #[test]
    fn verify_window_and_replay() {
        let s = base32_encode(b"12345678901234567890");
        let t = 1_234_567_890;
        let c = code_at(&s, t).unwrap();
        assert_eq!(verify(&s, &c, t, None), Some(step_of(t)));
        assert_eq!(verify(&s, &c, t + 30, None), Some(step_of(t)));
        assert_eq!(verify(&s, &c, t + 90, None), None);
        // the same code cannot be used twice
        assert_eq!(verify(&s, &c, t, Some(step_of(t))), None);
        assert_eq!(verify(&s, "12345", t, None), None);
    }
}
