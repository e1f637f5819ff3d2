//! The device's catalogue refresh: ask the server for the site's catalogue (a bodiless 304 when
//! the one held is current), fetch the registration photos the device lacks, then apply it in one
//! transaction. The store's lock is never held across the network: it is taken to read what is
//! held, to keep each photo as it arrives (a cut download keeps those), and to apply.

use std::sync::Mutex;

use examgate_store::{CatalogueReport, CatalogueVersion, ServerLink, Store, StoreError, is_newer};

use crate::client::Client;
use crate::code::Fingerprint;
use crate::error::{Result, SyncError, lock};
use crate::wire;

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogueOutcome {
    /// The server's catalogue is the one held; nothing heavy was transferred.
    Unchanged { version: u64 },
    /// A newer catalogue was applied, after downloading `photos` registration photos.
    Applied {
        report: CatalogueReport,
        photos: usize,
    },
    /// The device refused the server's catalogue and changed nothing; each reason names what.
    Refused {
        version: u64,
        code: &'static str,
        reasons: Vec<String>,
    },
}

/// Clients of the server `link` names, one per address in the order to try, with the device
/// token.
pub fn clients_for(link: &ServerLink) -> Result<Vec<Client>> {
    let pinned: Fingerprint = link.fingerprint.parse()?;
    if link.urls.is_empty() {
        return Err(SyncError::BadUrl(
            "没有服务器地址 (no server address)".into(),
        ));
    }
    link.urls
        .iter()
        .map(|url| Ok(Client::new(url, pinned)?.with_token(link.token.clone())))
        .collect()
}

fn refused(version: u64, e: StoreError) -> Result<CatalogueOutcome> {
    match e {
        StoreError::Catalogue(r) => {
            let reasons = match &r {
                examgate_store::CatalogueRefusal::DropsCandidatesWithEvents(who) => who.clone(),
                other => vec![other.to_string()],
            };
            Ok(CatalogueOutcome::Refused {
                version,
                code: r.code(),
                reasons,
            })
        }
        other => Err(other.into()),
    }
}

/// Brings the device's catalogue up to its server's (see the module's header).
pub async fn refresh_catalogue(store: &Mutex<Store>, client: &Client) -> Result<CatalogueOutcome> {
    let held: Option<CatalogueVersion> = lock(store)?.held_catalogue()?;
    let offered = held
        .as_ref()
        .map(|h| wire::CatalogueVersion::from(h.clone()));
    let Some(catalogue) = client.catalogue(offered.as_ref()).await? else {
        let version = held.map_or(0, |h| h.version);
        return Ok(CatalogueOutcome::Unchanged { version });
    };
    let catalogue: examgate_store::Catalogue = catalogue.into();
    let version = catalogue.version;
    match is_newer(held.as_ref(), &catalogue.version()) {
        Ok(true) => {}
        Ok(false) => return Ok(CatalogueOutcome::Unchanged { version }),
        Err(r) => return refused(version, r.into()),
    }
    let missing = lock(store)?.catalogue_photos_missing(&catalogue)?;
    for photo in &missing {
        let bytes = client.catalogue_photo(&photo.sha256).await?;
        if let Err(e) = lock(store)?.keep_catalogue_photo(photo, &bytes) {
            return refused(version, e);
        }
    }
    let applied = lock(store)?.apply_catalogue(&catalogue);
    match applied {
        Ok(report) if report.unchanged => Ok(CatalogueOutcome::Unchanged { version }),
        Ok(report) => Ok(CatalogueOutcome::Applied {
            report,
            photos: missing.len(),
        }),
        Err(e) => refused(version, e),
    }
}
