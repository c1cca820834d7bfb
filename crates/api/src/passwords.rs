//! Argon2id password hashes (m = 19 MiB, t = 2, p = 1: the OWASP figures).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;
use zt_domain::Error;

pub fn hash(password: &str) -> Result<String, Error> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| Error::internal(format!("argon2: {e}")))
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(h) => Argon2::default().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A hash to check against when the user name is unknown, so that both failures take as long.
static DUMMY: LazyLock<String> = LazyLock::new(|| hash("dummy-password-for-timing").expect("argon2 works"));

pub fn verify_dummy(password: &str) {
    let _ = verify(password, &DUMMY);
}

#[cfg(test)]
mod tests {
    #[test]
    fn roundtrip() {
        let h = super::hash("Zhitong@Demo2026").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(super::verify("Zhitong@Demo2026", &h));
        assert!(!super::verify("zhitong@Demo2026", &h));
        assert!(!super::verify("x", "not a hash"));
    }
}
