//! `--pseudonymize`: citizen ids replaced by a stable keyed hash in outputs.
//!
//! Responsible for: the flags, reading the key (`--pseudonym-key-file FILE`
//! or the environment variable `TAKST_PSEUDONYM_KEY`), and turning a
//! citizen id into its pseudonym `P-` + the first 16 hex digits of
//! HMAC-SHA256(key, id). The same key gives the same pseudonym in every run
//! and every command, so analysts can join files; without the key the
//! pseudonym cannot be traced back to a CPR number (a plain hash could:
//! there are only a few million CPR numbers to try). Not responsible for:
//! which columns hold citizen ids (each command knows that).

use std::path::PathBuf;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use takst_core::model::CitizenId;

use crate::cmd::Failure;

/// The environment variable that may hold the key.
pub const KEY_VAR: &str = "TAKST_PSEUDONYM_KEY";

/// The shortest key accepted, in bytes.
pub const MIN_KEY_LEN: usize = 16;

/// The flags of every command that outputs citizen ids.
#[derive(Debug, Clone, clap::Args)]
pub struct PseudonymArgs {
    /// Replace citizen ids by pseudonyms (P- and 16 hex digits of a keyed
    /// HMAC-SHA256); key from --pseudonym-key-file or TAKST_PSEUDONYM_KEY.
    #[arg(long)]
    pub pseudonymize: bool,
    /// The pseudonym key: a file of at least 16 bytes (a trailing line end
    /// is ignored). Overrides TAKST_PSEUDONYM_KEY.
    #[arg(long, value_name = "FILE", requires = "pseudonymize")]
    pub pseudonym_key_file: Option<PathBuf>,
}

/// How citizen ids are shown in an output.
#[derive(Clone)]
pub enum Citizens {
    Plain,
    Pseudonyms(Hmac<Sha256>),
}

impl std::fmt::Debug for Citizens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.write_str(match self {
            Citizens::Plain => "Citizens::Plain",
            Citizens::Pseudonyms(_) => "Citizens::Pseudonyms(<key>)",
        })
    }
}

impl PseudonymArgs {
    /// The policy the flags ask for; a usage error when `--pseudonymize`
    /// has no usable key.
    pub fn citizens(&self) -> Result<Citizens, Failure> {
        if !self.pseudonymize {
            return Ok(Citizens::Plain);
        }
        let (key, from) = match &self.pseudonym_key_file {
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|e| {
                    Failure::Usage(format!(
                        "--pseudonym-key-file {}: cannot read the file: {}",
                        path.display(),
                        crate::util::io_reason(&e)
                    ))
                })?;
                (bytes, format!("--pseudonym-key-file {}", path.display()))
            }
            None => match std::env::var_os(KEY_VAR) {
                Some(v) => (v.into_encoded_bytes(), KEY_VAR.to_string()),
                None => {
                    return Err(Failure::Usage(format!(
                    "--pseudonymize needs a key: give --pseudonym-key-file FILE or set {KEY_VAR}"
                )))
                }
            },
        };
        Citizens::with_key(&key).map_err(|e| Failure::Usage(format!("{from}: {e}")))
    }
}

impl Citizens {
    /// Pseudonyms with `key` (one trailing line end removed).
    pub fn with_key(key: &[u8]) -> Result<Citizens, String> {
        let key = key
            .strip_suffix(b"\n")
            .map(|k| k.strip_suffix(b"\r").unwrap_or(k))
            .unwrap_or(key);
        if key.len() < MIN_KEY_LEN {
            return Err(format!(
                "the key has {} bytes, expected at least {MIN_KEY_LEN} (e.g. `openssl rand -hex 32`)",
                key.len()
            ));
        }
        let mac = Hmac::<Sha256>::new_from_slice(key)
            .map_err(|_| "the key cannot be used for HMAC".to_string())?;
        Ok(Citizens::Pseudonyms(mac))
    }

    /// The citizen id as the output shows it.
    pub fn show(&self, id: &CitizenId) -> String {
        match self {
            Citizens::Plain => id.expose().to_string(),
            Citizens::Pseudonyms(mac) => {
                let mut mac = mac.clone();
                mac.update(id.expose().as_bytes());
                let digest = mac.finalize().into_bytes();
                let mut out = String::with_capacity(18);
                out.push_str("P-");
                for b in digest.iter().take(8) {
                    out.push_str(&format!("{b:02x}"));
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_keyed_and_stable() {
        let a = Citizens::with_key(b"0123456789abcdef0123456789abcdef\n").unwrap();
        let a2 = Citizens::with_key(b"0123456789abcdef0123456789abcdef").unwrap();
        let b = Citizens::with_key(b"another key, also long enough").unwrap();
        let id = CitizenId::new("0101901234");
        let p = a.show(&id);
        assert!(p.starts_with("P-") && p.len() == 18, "{p}");
        assert!(p[2..].bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            p,
            a2.show(&id),
            "a trailing line end is not part of the key"
        );
        assert_ne!(p, b.show(&id));
        assert_ne!(p, a.show(&CitizenId::new("0101901235")));
        // RFC 4231 test case 1: HMAC-SHA256(20 × 0x0b, "Hi There") = b0344c61d8db3853…
        let rfc = Citizens::with_key(&[0x0b; 20]).unwrap();
        assert_eq!(rfc.show(&CitizenId::new("Hi There")), "P-b0344c61d8db3853");
        assert_eq!(Citizens::Plain.show(&id), "0101901234");
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(Citizens::with_key(b"short\n").is_err());
        assert!(Citizens::with_key(b"").is_err());
        let dbg = format!("{:?}", Citizens::with_key(b"0123456789abcdef").unwrap());
        assert!(!dbg.contains("0123456789abcdef"));
    }
}
