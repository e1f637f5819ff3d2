//! The enrollment code the office hands a device (as text or QR): the server's address(es), a
//! one-time secret and the server certificate's SHA-256 fingerprint, in one copy-pasteable line:
//!
//! `EG1:<secret, 32 hex>:<fingerprint, 64 hex>:<https URL>[,<https URL>…]`
//!
//! `EG1` is the format's version; a device refuses a version it does not know rather than guess.
//! Only `https://` addresses are accepted, so a code can never send a device to plain HTTP.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::error::SyncError;

/// The first field of every code this version writes.
pub const CODE_PREFIX: &str = "EG1";

/// The SHA-256 of a certificate's DER bytes: what a device pins.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    pub fn of_der(der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(der).into())
    }

    /// For reading aloud and comparing by eye: 16 groups of 4 capitals, `AB12 CD34 …`, as both
    /// the server's console and the device's Settings show it.
    pub fn grouped(&self) -> String {
        let hex = hex::encode_upper(self.0);
        let groups: Vec<&str> = (0..hex.len())
            .step_by(4)
            .filter_map(|i| hex.get(i..i + 4))
            .collect();
        groups.join(" ")
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = SyncError;
    /// 64 hex digits, optionally in `:`-separated pairs as `openssl x509 -fingerprint` prints.
    fn from_str(s: &str) -> Result<Fingerprint, SyncError> {
        let hex: String = s.trim().chars().filter(|c| *c != ':').collect();
        let mut raw = [0u8; 32];
        hex::decode_to_slice(&hex, &mut raw).map_err(|_| {
            SyncError::BadCode(
                "证书指纹须为 64 位十六进制 (a fingerprint is 64 hex digits)".to_owned(),
            )
        })?;
        Ok(Fingerprint(raw))
    }
}

/// A parsed enrollment code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollCode {
    /// The one-time secret (32 hex digits).
    pub secret: String,
    pub fingerprint: Fingerprint,
    /// Where the server may be reached, in the order to try; all `https://`.
    pub urls: Vec<String>,
}

impl fmt::Display for EnrollCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{CODE_PREFIX}:{}:{}:{}",
            self.secret,
            self.fingerprint,
            self.urls.join(",")
        )
    }
}

/// Refuses anything but an `https://` URL with a host.
pub(crate) fn check_https(url: &str) -> Result<(), SyncError> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://") else {
        return Err(SyncError::InsecureUrl(url.to_owned()));
    };
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return Err(SyncError::BadUrl(url.to_owned()));
    }
    Ok(())
}

impl FromStr for EnrollCode {
    type Err = SyncError;
    fn from_str(s: &str) -> Result<EnrollCode, SyncError> {
        let bad = |why: &str| SyncError::BadCode(why.to_owned());
        let s = s.trim();
        let mut parts = s.splitn(4, ':');
        let version = parts.next().unwrap_or_default();
        if version != CODE_PREFIX {
            return Err(if version.starts_with("EG") {
                bad("注册码版本较新，请更新本程序 (a newer code format: update this program)")
            } else {
                bad("不是以 EG1: 开头的注册码 (does not start with EG1:)")
            });
        }
        let (Some(secret), Some(fingerprint), Some(urls)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("缺少字段 (fields missing): EG1:密钥:指纹:地址"));
        };
        if secret.len() != 32 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(
                "一次性密钥须为 32 位十六进制 (the secret is 32 hex digits)",
            ));
        }
        let fingerprint = fingerprint.parse()?;
        let urls: Vec<String> = urls.split(',').map(str::to_owned).collect();
        for url in &urls {
            check_https(url)?;
        }
        Ok(EnrollCode {
            secret: secret.to_ascii_lowercase(),
            fingerprint,
            urls,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "00112233445566778899aabbccddeeff";

    fn code() -> EnrollCode {
        EnrollCode {
            secret: SECRET.into(),
            fingerprint: Fingerprint([0xab; 32]),
            urls: vec![
                "https://192.168.1.10:8740".into(),
                "https://[fe80::1]:8740".into(),
            ],
        }
    }

    #[test]
    fn a_code_survives_text_and_back() {
        let text = code().to_string();
        assert!(text.starts_with("EG1:"));
        assert_eq!(text.parse::<EnrollCode>().unwrap(), code());
        // Pasted with surrounding whitespace.
        assert_eq!(format!("  {text}\n").parse::<EnrollCode>().unwrap(), code());
    }

    #[test]
    fn a_code_pointing_at_plain_http_is_refused() {
        let text = code().to_string().replace("https://192", "http://192");
        assert!(matches!(
            text.parse::<EnrollCode>(),
            Err(SyncError::InsecureUrl(_))
        ));
    }

    #[test]
    fn a_code_of_a_newer_format_or_a_damaged_one_is_refused() {
        let text = code().to_string();
        for bad in [
            text.replacen("EG1", "EG2", 1),
            text.replacen("EG1", "XX1", 1),
            text.replacen(SECRET, "0011", 1),
            text.replacen(&"ab".repeat(32), "zz", 1),
            format!("EG1:{SECRET}"),
        ] {
            assert!(
                matches!(bad.parse::<EnrollCode>(), Err(SyncError::BadCode(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_grouped_fingerprint_is_sixteen_groups_of_four_capitals() {
        let fp = Fingerprint([0xab; 32]);
        let grouped = fp.grouped();
        assert_eq!(grouped.split(' ').count(), 16);
        assert!(grouped.split(' ').all(|g| g == "ABAB"));
        assert_eq!(grouped.replace(' ', "").to_lowercase(), fp.to_string());
    }

    #[test]
    fn a_fingerprint_reads_with_or_without_colons() {
        let fp = Fingerprint([0x0f; 32]);
        let colons =
            fp.0.iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":");
        assert_eq!(colons.parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(fp.to_string().parse::<Fingerprint>().unwrap(), fp);
    }
}
