//! The chief examiner's screen (主考总览): the same app, on a device enrolled as the site's chief
//! examiner, which syncs every event of the site. It shows every room of the site at a glance
//! (each room's [`Tally`], counted), the manual verifications waiting across the site with who
//! vouched and when, and the conflicts between devices; the chief then approves or rejects with
//! the PIN through [`Door::decide_with_pin`], as at a door.
//!
//! The stamped photo of a pending verification was taken on another room's device: the chief's
//! device fetches it from the site server ([`Door::pending_photo`]) with the pinned client, checks
//! its SHA-256 against the one the door's signed event names (the server checked the photo's own
//! signature when it was uploaded), and hands the bytes to the screen without writing them
//! anywhere: other rooms' faces do not stay on the chief's phone. Only the hash of each photo
//! shown is remembered, in memory, so that an approval is of a photo the chief was shown.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use examgate_core::event::{EventKind, Hlc, PhotoRef};
use examgate_store::Store;
use examgate_sync::{SyncError, clients_for};
use serde::Serialize;
use ts_rs::TS;

use examgate_core::closing;
use examgate_store::AtRoom;

use crate::error::{ErrorCode, IpcError, Result};
use crate::room_view::{CountCheckDone, ViolationView, latest_check, violations_of};
use crate::{CandidateCard, Door, Tally};

/// One room of the site, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoomCounts {
    pub room: String,
    pub address: String,
    pub expected: u32,
    pub admitted: u32,
    pub pending: u32,
    pub refused: u32,
    pub absent: u32,
    pub conflict: u32,
    /// The room's 30-minute count check as last done.
    pub count_check: Option<CountCheckDone>,
    /// The room's violations, each as last edited.
    pub violations: Vec<ViolationView>,
    /// Proctors signed in at the room who count toward the staffing rule (on its roster, or a
    /// substitute the chief approved).
    pub present: u32,
    /// Who closed the room (关闭考场), once it is closed.
    pub closed_by: Option<String>,
}

impl RoomCounts {
    fn of(room: String, address: String, t: &Tally) -> RoomCounts {
        let n = |v: &Vec<CandidateCard>| u32::try_from(v.len()).unwrap_or(u32::MAX);
        RoomCounts {
            room,
            address,
            expected: n(&t.expected),
            admitted: n(&t.admitted),
            pending: n(&t.pending),
            refused: n(&t.refused),
            absent: n(&t.absent),
            conflict: n(&t.conflict),
            count_check: None,
            violations: Vec::new(),
            present: 0,
            closed_by: None,
        }
    }
}

/// A manual verification waiting for the chief: the candidate's card (ID number masked) and the
/// proctor who vouched, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PendingApproval {
    pub card: CandidateCard,
    /// 工号 of the proctor who vouched.
    pub vouched_by: String,
    /// Their name from the roster, when listed.
    pub vouched_by_name: Option<String>,
    /// When the vouch was recorded, by the exam time it was decided at (RFC 3339): the time
    /// stamped on the photo, so the chief compares like with like (a drill's set time, else that
    /// device's clock).
    pub vouched_at: String,
}

/// The whole site at a glance, for the chief examiner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SiteOverview {
    pub sitting: String,
    pub site: String,
    /// Every room of the site, by number.
    pub rooms: Vec<RoomCounts>,
    /// The manual verifications waiting across the site, the oldest vouch first.
    pub pending: Vec<PendingApproval>,
    /// Candidates the devices disagree about.
    pub conflicts: Vec<CandidateCard>,
}

/// The hashes of the photos the chief was shown after fetching them (never the bytes).
#[derive(Debug, Default)]
pub(crate) struct ChiefDesk {
    shown: Mutex<HashSet<String>>,
}

impl ChiefDesk {
    fn remember(&self, sha256: &str) {
        self.shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(sha256.to_owned());
    }

    pub(crate) fn was_shown(&self, sha256: &str) -> bool {
        self.shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(sha256)
    }
}

/// The latest vouch among a candidate's events: who, when (the exam time it was decided at, as
/// its photo is stamped) and its place in the site's hybrid-clock order.
fn latest_vouch(
    store: &Store,
    sitting: &str,
    student: &str,
) -> Result<Option<(String, String, Hlc)>> {
    Ok(store
        .events_of(sitting, student)?
        .into_iter()
        .filter(|e| matches!(e.kind, EventKind::ManualVerificationRequested { .. }))
        .max_by_key(|e| e.hlc)
        .map(|e| (e.actor, e.exam_time.unwrap_or(e.wall).to_rfc3339(), e.hlc)))
}

fn uploading() -> IpcError {
    IpcError::new(
        ErrorCode::PhotoUploading,
        "照片上传中：考场设备尚未把照片传到服务器 (the room's device has not uploaded the photo yet)",
    )
}

impl Door {
    /// The site this device is enrolled with as its chief examiner: the overview is of it.
    pub(crate) fn chief_site(&self) -> Result<String> {
        let link = self.store()?.server_link()?;
        link.map(|l| l.site).ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotEnrolled,
                "本机尚未连接考点服务器 (this device is not connected to a site server)",
            )
        })
    }

    /// Every room of the enrolled site in `sitting`, its pending verifications and its
    /// conflicts, from this device's database (which the background sync keeps current).
    pub fn site_overview(&self, sitting: &str) -> Result<SiteOverview> {
        let site = self.chief_site()?;
        let store = self.store()?;
        let names: HashMap<String, String> = store
            .staff(&site, None)?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let mut overview = SiteOverview {
            sitting: sitting.to_owned(),
            site: site.clone(),
            rooms: Vec::new(),
            pending: Vec::new(),
            conflicts: Vec::new(),
        };
        let mut pending = Vec::new();
        let events = store.sitting_events(sitting)?;
        for room in store.rooms(sitting, &site)? {
            let tally = Tally::of(store.room_candidates(sitting, &site, &room.number)?);
            let cards: Vec<CandidateCard> = tally.all().cloned().collect();
            let presence = store.room_presence(AtRoom {
                sitting,
                site: &site,
                room: &room.number,
            })?;
            let present = presence
                .signed_in
                .values()
                .filter(|p| !p.substitute || p.approved_by.is_some())
                .count();
            overview.rooms.push(RoomCounts {
                count_check: latest_check(&events, &site, &room.number),
                violations: violations_of(&cards, &events),
                present: u32::try_from(present).unwrap_or(u32::MAX),
                closed_by: closing::closed_at(&events, &site, &room.number)
                    .map(|e| e.actor.clone()),
                ..RoomCounts::of(room.number, room.address, &tally)
            });
            for card in tally.pending {
                let (by, at, hlc) =
                    latest_vouch(&store, sitting, &card.student_number)?.unwrap_or_default();
                let waiting = PendingApproval {
                    vouched_by_name: names.get(&by).cloned(),
                    vouched_by: by,
                    vouched_at: at,
                    card,
                };
                pending.push((hlc, waiting));
            }
            overview.conflicts.extend(tally.conflict);
        }
        // The oldest vouch first, in the site's causal order (device clocks may disagree).
        pending.sort_by_key(|(hlc, _)| *hlc);
        overview.pending = pending.into_iter().map(|(_, p)| p).collect();
        Ok(overview)
    }

    /// The stamped photo a pending verification rests on: this device's own file when it took
    /// it, else fetched from the site server and checked against the hash the door's event names.
    /// Empty when the candidate has no photo recorded; `photo-uploading` when the server does not
    /// hold it yet. The bytes are returned, never written.
    pub async fn pending_photo(&self, sitting: &str, student: &str) -> Result<Vec<u8>> {
        let Some(photo) = self.store()?.fallback_photo(sitting, student)? else {
            return Ok(Vec::new());
        };
        match self.fallback_photo(sitting, student) {
            Err(e) if e.code == ErrorCode::PhotoMissing => {}
            local => return local,
        }
        let bytes = self.fetch_photo(&photo).await?;
        if examgate_photo::sha256_hex(&bytes) != photo.sha256 {
            return Err(IpcError::new(
                ErrorCode::PhotoAltered,
                "服务器上的照片与考场记录不符 (the server's photo is not the one the room recorded)",
            ));
        }
        self.chief.remember(&photo.sha256);
        Ok(bytes)
    }

    /// `GET /v1/photos/{sha}` from the first of the link's servers that answers.
    async fn fetch_photo(&self, photo: &PhotoRef) -> Result<Vec<u8>> {
        let link = self.store()?.server_link()?.ok_or(SyncError::NotEnrolled)?;
        let mut last = None;
        for client in clients_for(&link)? {
            match client.photo_get(&photo.sha256).await {
                Ok(bytes) => return Ok(bytes),
                Err(SyncError::Refused { status: 404, .. }) => return Err(uploading()),
                Err(e @ SyncError::Unreachable { .. }) => last = Some(e),
                Err(e) => return Err(e.into()),
            }
        }
        Err(last.map_or_else(uploading, IpcError::from))
    }
}
