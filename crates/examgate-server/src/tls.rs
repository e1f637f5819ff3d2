//! The server's TLS identity: a self-signed certificate made at first start (there is no CA on
//! an exam site's Wi-Fi; devices pin its SHA-256 instead), kept as PEM in `DIR/tls/` so the
//! office can inspect it with `openssl`. The private key is owner-only and never replaced: a new
//! key would strand every enrolled device. If the certificate alone is missing (a crash between
//! the two writes) a new one is made for the existing key; nobody can have pinned it yet.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use examgate_sync::Fingerprint;
use rcgen::{CertificateParams, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::{Result, ServerError};

/// The names the certificate carries. Devices do not check them (they pin the fingerprint); they
/// only make the certificate readable.
const NAMES: [&str; 2] = ["examgate-site", "localhost"];

/// The server's certificate and key.
pub struct TlsIdentity {
    cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity")
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

fn tls_error(e: impl std::fmt::Display) -> ServerError {
    ServerError::Tls(e.to_string())
}

impl TlsIdentity {
    /// Loads `dir/cert.pem` and `dir/key.pem`, making what is missing.
    pub fn load_or_create(dir: &Path) -> Result<TlsIdentity> {
        crate::serve::private_dir(dir)?;
        let key_path = dir.join("key.pem");
        let key = match std::fs::read_to_string(&key_path) {
            Ok(pem) => KeyPair::from_pem(&pem).map_err(tls_error)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = KeyPair::generate().map_err(tls_error)?;
                write_new(&key_path, key.serialize_pem().as_bytes())?;
                // Another process may have won the race: use whichever key is on disk.
                KeyPair::from_pem(
                    &std::fs::read_to_string(&key_path)
                        .map_err(|e| ServerError::io(&key_path, e))?,
                )
                .map_err(tls_error)?
            }
            Err(e) => return Err(ServerError::io(&key_path, e)),
        };
        let cert_path = dir.join("cert.pem");
        let cert = match std::fs::read(&cert_path) {
            Ok(pem) => CertificateDer::from_pem_slice(&pem).map_err(tls_error)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let names = NAMES.map(str::to_owned).to_vec();
                let cert = CertificateParams::new(names)
                    .map_err(tls_error)?
                    .self_signed(&key)
                    .map_err(tls_error)?;
                write_new(&cert_path, cert.pem().as_bytes())?;
                CertificateDer::from_pem_slice(
                    &std::fs::read(&cert_path).map_err(|e| ServerError::io(&cert_path, e))?,
                )
                .map_err(tls_error)?
            }
            Err(e) => return Err(ServerError::io(&cert_path, e)),
        };
        Ok(TlsIdentity {
            cert,
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        })
    }

    /// What devices pin: the SHA-256 of the certificate's DER bytes.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of_der(&self.cert)
    }

    /// A rustls server configuration (ring provider) presenting this certificate.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?
            .with_no_client_auth()
            .with_single_cert(
                vec![self.cert.clone()],
                PrivateKeyDer::Pkcs8(self.key.clone_key()),
            )
            .map_err(tls_error)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Writes a new owner-only file; an existing one is left as it is (another process made it).
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let io = |e| ServerError::io(path, e);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(bytes).map_err(io)?;
            file.sync_all().map_err(io)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io(e)),
    }
}

/// `DIR/tls`.
pub(crate) fn tls_dir(data: &Path) -> PathBuf {
    data.join("tls")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_made_once_and_its_key_is_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join("tls");
        let first = TlsIdentity::load_or_create(&tls).unwrap();
        let again = TlsIdentity::load_or_create(&tls).unwrap();
        assert_eq!(first.fingerprint(), again.fingerprint());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(tls.join("key.pem"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "key.pem is {mode:o}");
            let mode = std::fs::metadata(&tls).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "tls/ is {mode:o}");
        }
        first.server_config().unwrap();
    }
}
