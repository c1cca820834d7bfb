//! Personal data at rest: AES-256-GCM with a random nonce per value, and a keyed hash
//! (HMAC-SHA256 under a key derived from the data key) for exact lookup without decrypting.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::Error;

pub struct Cipher {
    aead: Aes256Gcm,
    mac_key: [u8; 32],
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(..)")
    }
}

const PREFIX: &str = "v1:";

impl Cipher {
    pub fn new(key: &[u8; 32]) -> Cipher {
        let aead = Aes256Gcm::new_from_slice(key).expect("32-byte key");
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
        mac.update(b"zhitong lookup hash v1");
        let mac_key: [u8; 32] = mac.finalize().into_bytes().into();
        Cipher { aead, mac_key }
    }

    /// A fresh random 32-byte key.
    pub fn generate_key() -> [u8; 32] {
        let mut k = [0u8; 32];
        rand::rng().fill_bytes(&mut k);
        k
    }

    pub fn encrypt(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let ct = self.aead.encrypt(&nonce.into(), plain.as_bytes()).expect("AES-GCM encryption does not fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, Error> {
        let raw = stored
            .strip_prefix(PREFIX)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|r| r.len() > 12)
            .ok_or_else(|| Error::internal("encrypted value has an unknown format"))?;
        let (nonce, ct) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().expect("12 bytes");
        let plain = self.aead.decrypt(&nonce.into(), ct).map_err(|_| Error::internal("cannot decrypt a stored value: wrong data key?"))?;
        String::from_utf8(plain).map_err(|_| Error::internal("decrypted value is not UTF-8"))
    }

    /// Keyed hash of a normalised value, for `WHERE x_hash = $1` lookups.
    pub fn lookup_hash(&self, normalised: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.mac_key).expect("any key length");
        mac.update(normalised.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_random_nonce_and_lookup() {
        let c = Cipher::new(&[7u8; 32]);
        let a = c.encrypt("13812345678");
        let b = c.encrypt("13812345678");
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("1381"));
        assert_eq!(c.decrypt(&a).unwrap(), "13812345678");
        assert_eq!(c.lookup_hash("x"), c.lookup_hash("x"));
        assert_ne!(c.lookup_hash("x"), Cipher::new(&[8u8; 32]).lookup_hash("x"));
        assert!(Cipher::new(&[8u8; 32]).decrypt(&a).is_err(), "another key cannot read it");
    }
}
