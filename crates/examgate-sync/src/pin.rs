//! Certificate pinning: the site server's certificate is self-signed (there is no CA on an exam
//! site's Wi-Fi), so the device accepts exactly the certificate whose SHA-256 its enrollment code
//! carries, whatever name or dates it shows, and nothing else. The handshake's signatures are
//! still checked with the provider's algorithms, so only the holder of that certificate's key can
//! complete it. A mismatch is recorded so the client can say which certificate it met.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, ring};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, SignatureScheme};

use crate::code::Fingerprint;
use crate::error::SyncError;

/// The certificate the last refused handshake presented, shared with the client.
pub(crate) type Mismatch = Arc<Mutex<Option<Fingerprint>>>;

#[derive(Debug)]
struct PinnedVerifier {
    pinned: Fingerprint,
    algorithms: WebPkiSupportedAlgorithms,
    mismatch: Mismatch,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got = Fingerprint::of_der(end_entity);
        if got == self.pinned {
            return Ok(ServerCertVerified::assertion());
        }
        if let Ok(mut seen) = self.mismatch.lock() {
            *seen = Some(got);
        }
        Err(rustls::Error::InvalidCertificate(
            CertificateError::ApplicationVerificationFailure,
        ))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A rustls client configuration (ring provider) that trusts only the certificate `pinned`.
pub fn pinned_tls_config(pinned: Fingerprint) -> Result<ClientConfig, SyncError> {
    pinned_config(pinned, Mismatch::default())
}

pub(crate) fn pinned_config(
    pinned: Fingerprint,
    mismatch: Mismatch,
) -> Result<ClientConfig, SyncError> {
    let provider: CryptoProvider = ring::default_provider();
    let verifier = PinnedVerifier {
        pinned,
        algorithms: provider.signature_verification_algorithms,
        mismatch,
    };
    Ok(ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}
