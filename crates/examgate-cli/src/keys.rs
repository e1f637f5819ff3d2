//! `examgate export keys`, and the trust list and clock measurements `export archive` checks and
//! fills with: both depend on whose database `--db` is.
//!
//! How the two are told apart: a site server's database (`examgate serve --data DIR` makes
//! `DIR/site.db` with its key file `site.db.key` beside it) holds the server's own tables,
//! created at its first start; a device's database never does (opening it here never creates
//! them). On a server the trust list is the site server's own (`ServerDb::site_trust_list`, the
//! same text `examgate serve keys` prints): the keys of the enrolled, non-revoked devices, of one
//! site with `--site`. On a device it is the device's own photo key (`device-key.pem` beside the
//! database, as the app keeps it), plus, on a device enrolled with a server, the site's device
//! keys the server last sent it (not revoked), since the photos of the room's other device reach
//! it by sync. Either way the text is what `examgate verify --trust` reads.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use examgate_export::ClockSample;
use examgate_photo::{DeviceKey, PublicKey, parse_trusted};
use examgate_server::ServerDb;
use examgate_store::{DbKey, Store, key_file_for};

/// Whose database it is.
#[derive(Debug)]
pub enum Source {
    Server(Box<ServerDb>),
    Device { key: PathBuf },
}

impl Source {
    /// Tells a site server's database from a device's (module header).
    pub fn of(db: &Path) -> anyhow::Result<Source> {
        if key_file_for(db).is_file() {
            let key = DbKey::for_database(db)
                .with_context(|| format!("cannot read the key of {}", db.display()))?;
            if let Some(server) = ServerDb::open_existing(db, &key)
                .with_context(|| format!("cannot open {}", db.display()))?
            {
                return Ok(Source::Server(Box::new(server)));
            }
        }
        let dir = db
            .parent()
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        Ok(Source::Device {
            key: dir.join("device-key.pem"),
        })
    }

    /// The trust list's text, in the form `--trust` reads.
    pub fn trust_list(&self, store: &Store, site: Option<&str>) -> anyhow::Result<String> {
        match self {
            Source::Server(db) => Ok(db.site_trust_list(site, false)?),
            Source::Device { key } => {
                if site.is_some() {
                    bail!(
                        "--site 只用于考点服务器的数据库；设备的数据库只有本机的密钥 (--site is for a site server's database)"
                    );
                }
                device_list(store, key)
            }
        }
    }

    /// The trust list, parsed (as `--trust` would parse it).
    pub fn trusted(&self, store: &Store, site: Option<&str>) -> anyhow::Result<Vec<PublicKey>> {
        let text = self.trust_list(store, site)?;
        parse_trusted(&text).map_err(|e| anyhow::anyhow!("the trust list: {e}"))
    }

    /// The server's clock measurements of its devices; none on a device.
    pub fn clocks(&self) -> anyhow::Result<Vec<ClockSample>> {
        match self {
            Source::Server(db) => Ok(db.clock_samples()?),
            Source::Device { .. } => Ok(Vec::new()),
        }
    }
}

fn device_list(store: &Store, key: &Path) -> anyhow::Result<String> {
    let own = DeviceKey::load(key)
        .with_context(|| {
            format!(
                "本机没有照片密钥 {} (this device has no photo key beside its database)",
                key.display()
            )
        })?
        .public_key()
        .to_string();
    let mut out =
        String::from("# examgate 本机及考点设备公钥 (this device's key and its site's)\n");
    let device = store.device_id()?;
    out.push_str(&format!("{own}  # {device} 本机 (this device)\n"));
    for d in store.trusted_devices()? {
        // A key that does not parse would make the whole list unreadable: it is left out.
        let Ok(public_key) = d.public_key.parse::<PublicKey>() else {
            continue;
        };
        if d.revoked || public_key.to_string() == own {
            continue;
        }
        let comment = format!(
            "{} {} {} 考点服务器下发 (sent by the site server)",
            d.device_id,
            d.room.as_deref().unwrap_or("-"),
            d.role
        );
        let comment: String = comment
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        out.push_str(&format!("{public_key}  # {comment}\n"));
    }
    Ok(out)
}
