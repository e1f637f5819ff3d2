//! The site server as the door device's screens see it: connecting (enrolling with a one-time
//! code, pasted or read from a QR code) and what the device is connected to. The enrollment
//! itself is `examgate_sync::enroll`, shared with `examgate enroll`; this turns its outcome
//! into views the screens show and its failures into the codes they switch on.
//!
//! Nothing here holds the store across the network: the enrollment locks it only to read the
//! device id and to save the link, so the door keeps answering while a server is slow.

use examgate_core::model::Role;
use examgate_store::ServerLink;
use examgate_sync::{EnrollCode, Fingerprint};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorCode, IpcError, Result};
use crate::{Door, PhotoBody, qr};

/// The server this device is enrolled with, as Settings and the connect panel show it. Never
/// the device token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ServerView {
    /// The address the device tries first (the one that answered at enrollment).
    pub url: String,
    /// Every address, in the order tried.
    pub urls: Vec<String>,
    /// The pinned certificate's SHA-256, grouped for reading aloud: `AB12 CD34 …`.
    pub fingerprint: String,
    pub site: String,
    /// None for a chief examiner, who sees the whole site.
    pub room: Option<String>,
    pub role: Role,
    /// 工号 of the person the device was enrolled for.
    pub staff: String,
    /// RFC 3339, device clock.
    pub enrolled_at: String,
}

/// The device clock against the server's, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct ClockReading {
    /// Device minus server: positive means the device is ahead.
    pub device_ahead_ms: i64,
    /// The true offset is within this many milliseconds of `device_ahead_ms`.
    pub error_ms: i64,
}

impl From<examgate_sync::clock::ClockOffset> for ClockReading {
    fn from(o: examgate_sync::clock::ClockOffset) -> ClockReading {
        ClockReading {
            device_ahead_ms: o.device_ahead_us / 1000,
            error_ms: o.error_us / 1000,
        }
    }
}

/// What a successful connection shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EnrollView {
    pub server: ServerView,
    /// The clock measured right after enrolling; none when that measurement failed (the
    /// enrollment stands; the next sync measures again).
    pub clock: Option<ClockReading>,
}

/// A stored fingerprint (64 hex digits) as `AB12 CD34 …`; as stored if it is not one.
fn grouped(stored: &str) -> String {
    stored
        .parse::<Fingerprint>()
        .map_or_else(|_| stored.to_owned(), |f| f.grouped())
}

impl ServerView {
    fn of(link: &ServerLink) -> Result<ServerView> {
        let role = Role::parse(&link.role).ok_or_else(|| {
            IpcError::new(
                ErrorCode::Database,
                format!(
                    "数据库中的服务器角色无法识别 (the stored server role is unknown): {}",
                    link.role
                ),
            )
        })?;
        Ok(ServerView {
            url: link.urls.first().cloned().unwrap_or_default(),
            urls: link.urls.clone(),
            fingerprint: grouped(&link.fingerprint),
            site: link.site.clone(),
            room: link.room.clone(),
            role,
            staff: link.staff.clone(),
            enrolled_at: link.enrolled_at.clone(),
        })
    }
}

impl Door {
    /// Enrolls this device with the server of `code` (the text of an enrollment code, as pasted
    /// or read from its QR code) under `name` (blank: the machine's host name). Replaces an
    /// earlier enrollment. The store is locked only briefly, never while the network answers.
    pub async fn enroll(&self, code: &str, name: Option<&str>) -> Result<EnrollView> {
        let code: EnrollCode = code.trim().parse().map_err(IpcError::from)?;
        let key = self.photos.key()?;
        let clock = self.device_clock.clone();
        let now = move || clock.now();
        let done = examgate_sync::enroll::enroll(&code, &self.store, key, name.unwrap_or(""), &now)
            .await?;
        // The first sync starts now, in the background.
        self.sync.kick();
        Ok(EnrollView {
            server: ServerView::of(&done.link)?,
            clock: done.clock.ok().map(ClockReading::from),
        })
    }

    /// The server this device is enrolled with, or none.
    pub fn server_link(&self) -> Result<Option<ServerView>> {
        let link = self.store()?.server_link()?;
        link.as_ref().map(ServerView::of).transpose()
    }

    /// The enrollment code in a picture of its QR code (a camera frame or an image file, JPEG or
    /// PNG). Decoded here, in Rust, with no service of the phone's. Refuses a picture with no
    /// readable QR code, and a QR code that is not an examgate enrollment code.
    pub fn read_enroll_qr(&self, image: &[u8]) -> Result<String> {
        qr::read_enroll_code(image)
    }

    /// [`Door::read_enroll_qr`] with the picture as the shell received it.
    pub fn read_enroll_qr_sent(&self, body: PhotoBody<'_>) -> Result<String> {
        self.read_enroll_qr(&body.bytes()?)
    }
}
