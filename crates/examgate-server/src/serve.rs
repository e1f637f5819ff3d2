//! The server process: its data folder (`DIR/site.db`, the store database with its key file
//! beside it, and `DIR/tls/`), and serving the API over HTTPS from a listener the caller bound,
//! so `--listen 127.0.0.1:0` can print the port it got.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};

use examgate_store::{DbKey, Durability, Store};
use examgate_sync::Fingerprint;

use crate::api::{AppState, router};
use crate::db::ServerDb;
use crate::error::{Result, ServerError};
use crate::photo_files::PhotoDir;
use crate::timing::Clock;
use crate::tls::{TlsIdentity, tls_dir};

/// Where `examgate serve` listens unless told otherwise: every interface, so phones on the
/// site's Wi-Fi reach it.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:8740";

/// The setting holding the address the server last listened on (for `serve enroll`'s URLs).
const LISTEN_SETTING: &str = "listen";

/// A site server's data, opened.
#[derive(Debug)]
pub struct Server {
    dir: PathBuf,
    store: Store,
    db: ServerDb,
    tls: TlsIdentity,
    clock: Clock,
}

impl Server {
    /// Opens (creating at first start) the server's data in `dir`.
    pub fn open(dir: &Path) -> Result<Server> {
        private_dir(dir)?;
        let path = dir.join("site.db");
        // The key file beside the database, as `examgate import --db DIR/site.db` finds it.
        let key = DbKey::for_database(&path)?;
        let store = Store::open_with_key(&path, &key, Durability::PowerLoss)?;
        let db = ServerDb::open(&path, &key)?;
        let tls = TlsIdentity::load_or_create(&tls_dir(dir))?;
        Ok(Server {
            dir: dir.to_owned(),
            store,
            db,
            tls,
            clock: Clock::System,
        })
    }

    /// The clock the server judges a real sitting's timed room acts by (`timing`): the
    /// machine's own unless a test injects another.
    pub fn with_clock(mut self, clock: Clock) -> Server {
        self.clock = clock;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn fingerprint(&self) -> Fingerprint {
        self.tls.fingerprint()
    }

    /// The server's own tables.
    pub fn db(&self) -> &ServerDb {
        &self.db
    }

    /// The server's own tables, for enrollment (which needs a transaction).
    pub fn db_mut(&mut self) -> &mut ServerDb {
        &mut self.db
    }

    /// The store database (catalogue and events) the server holds for the site.
    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The URLs devices should use, from the address the server last listened on.
    pub fn recorded_urls(&self) -> Result<Vec<String>> {
        let Some(addr) = self.db.setting(LISTEN_SETTING)? else {
            return Ok(Vec::new());
        };
        let addr: SocketAddr = addr
            .parse()
            .map_err(|e| ServerError::Internal(format!("listen setting {addr}: {e}")))?;
        Ok(urls_for(addr))
    }

    /// Serves the API on `listener` until the process ends. Records the listening address first.
    pub async fn serve(self, listener: TcpListener) -> Result<()> {
        let addr = listener
            .local_addr()
            .map_err(|e| ServerError::Internal(e.to_string()))?;
        self.db.set_setting(LISTEN_SETTING, &addr.to_string())?;
        let tls = axum_server::tls_rustls::RustlsConfig::from_config(self.tls.server_config()?);
        listener
            .set_nonblocking(true)
            .map_err(|e| ServerError::Internal(e.to_string()))?;
        let app = router(self.into_state()?);
        axum_server::from_tcp_rustls(listener, tls)
            .serve(app.into_make_service())
            .await
            .map_err(|e| ServerError::Internal(format!("serve: {e}")))
    }
}

impl Server {
    /// What the API's handlers share, made from the opened data.
    pub(crate) fn into_state(self) -> Result<AppState> {
        let photos = PhotoDir::open(&self.dir)?;
        Ok(AppState::new(
            self.db, self.store, photos, self.dir, self.clock,
        ))
    }
}

/// The `https://` URLs a server listening on `addr` is reached at: the address itself, or for an
/// all-interfaces address, each non-loopback address of this machine's interfaces.
pub fn urls_for(addr: SocketAddr) -> Vec<String> {
    let ips = if addr.ip().is_unspecified() {
        interface_ips()
    } else {
        vec![addr.ip()]
    };
    ips.into_iter()
        .map(|ip| https_url(SocketAddr::new(ip, addr.port())))
        .collect()
}

fn https_url(addr: SocketAddr) -> String {
    format!("https://{addr}")
}

#[cfg(unix)]
fn interface_ips() -> Vec<IpAddr> {
    let mut ips: Vec<IpAddr> = nix::ifaddrs::getifaddrs()
        .map(|addrs| {
            addrs
                .filter_map(|a| a.address)
                .filter_map(|a| a.as_sockaddr_in().map(|v4| IpAddr::V4(v4.ip())))
                .filter(|ip| !ip.is_loopback())
                .collect()
        })
        .unwrap_or_default();
    ips.sort();
    ips.dedup();
    ips
}

#[cfg(not(unix))]
fn interface_ips() -> Vec<IpAddr> {
    Vec::new()
}

/// Makes `dir` (and its parents) if missing; on unix the folder itself is owner-only.
pub(crate) fn private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| ServerError::io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| ServerError::io(dir, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_on_one_address_is_reached_there_and_on_all_interfaces_never_via_loopback() {
        let one: SocketAddr = "127.0.0.1:8740".parse().unwrap();
        assert_eq!(urls_for(one), ["https://127.0.0.1:8740"]);
        let all: SocketAddr = "0.0.0.0:8740".parse().unwrap();
        for url in urls_for(all) {
            assert!(
                url.starts_with("https://") && url.ends_with(":8740"),
                "{url}"
            );
            assert!(!url.contains("127.0.0."), "{url}");
        }
    }
}
