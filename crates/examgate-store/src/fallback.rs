//! What the store knows of fallback photos (DOMAIN.md step 4). The photo itself is a file the
//! photo pipeline writes; the store holds its reference inside the manual-verification event, so
//! the log alone says which signed bytes the chief examiner was shown.
//!
//! Taking a photo is slow next to a door act (decode, stamp, encode), so the app first asks
//! [`Store::preview`] what a vouch would record *now* (nothing is written): a candidate already
//! admitted, or a latecomer, is answered before the camera's bytes are touched.

use chrono::{DateTime, FixedOffset};
use examgate_core::door::DoorAct;
use examgate_core::event::{Event, EventKind, PhotoRef};
use examgate_core::fold::{CandidateState, fold};
use uuid::Uuid;

use crate::door::ActInputs;
use crate::error::{Result, StoreError};
use crate::events::candidate_events;
use crate::exam_time::DecisionTime;
use crate::{ListedCandidate, Store};

impl Store {
    /// The event `act` by `actor` would record on `student` at device time `now`, or why it would
    /// be refused. Reads only: the real act decides again inside its own transaction.
    pub fn preview(
        &self,
        sitting: &str,
        student: &str,
        actor: &str,
        act: &DoorAct,
        now: DateTime<FixedOffset>,
    ) -> Result<EventKind> {
        self.preview_decided_at(sitting, student, actor, act, now, None)
    }

    /// [`Store::preview`] decided at the earlier moment `decided` when given, as
    /// [`Store::act_decided_at`] would decide it.
    pub fn preview_decided_at(
        &self,
        sitting: &str,
        student: &str,
        actor: &str,
        act: &DoorAct,
        now: DateTime<FixedOffset>,
        decided: Option<DecisionTime>,
    ) -> Result<EventKind> {
        ActInputs::read(&self.conn, sitting, student, actor, now, decided)?
            .decide(sitting, act, now)
    }

    /// The photo of the candidate's latest manual-verification request, if any: what the chief
    /// examiner looks at before approving.
    pub fn fallback_photo(&self, sitting: &str, student: &str) -> Result<Option<PhotoRef>> {
        Ok(latest_photo(&candidate_events(&self.conn, sitting, student)?).cloned())
    }

    /// Every act in the log that names the photo `sha256` (a manual-verification request or a
    /// count-check photo), as
    /// `(recording device, sitting, student)`: the site server decides from these who may
    /// download the photo (the chief examiner of the candidate's site).
    pub fn photo_namers(&self, sha256: &str) -> Result<Vec<(Uuid, String, String)>> {
        if sha256.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT body FROM event WHERE kind IN {} AND instr(body, ?1) > 0",
            EventKind::PHOTO_KINDS_SQL
        ))?;
        let bodies = stmt.query_map([sha256], |r| r.get::<_, String>(0))?;
        let mut namers = Vec::new();
        for body in bodies {
            let event: Event = serde_json::from_str(&body?)
                .map_err(|e| StoreError::CorruptEvent(e.to_string()))?;
            if let Some(photo) = event.kind.photo()
                && photo.sha256 == sha256
            {
                let student = event.student().to_owned();
                namers.push((event.device, event.sitting, student));
            }
        }
        Ok(namers)
    }
}

fn latest_photo(events: &[Event]) -> Option<&PhotoRef> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ManualVerificationRequested { photo, .. } => Some((e.hlc, photo)),
            _ => None,
        })
        .max_by_key(|(hlc, _)| *hlc)
        .map(|(_, photo)| photo)
}

/// Sets a candidate's state from their events and, while pending, how the photo was taken.
pub(crate) fn settle(
    conn: &rusqlite::Connection,
    sitting: &str,
    candidate: &mut ListedCandidate,
) -> Result<()> {
    let events = candidate_events(conn, sitting, &candidate.student_number)?;
    candidate.state = fold(&events).state;
    candidate.face = examgate_core::face::face_result(&events);
    candidate.manual_photo_source = match candidate.state {
        CandidateState::PendingManualVerification => latest_photo(&events).map(|p| p.source),
        _ => None,
    };
    Ok(())
}
