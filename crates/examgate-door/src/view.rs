//! What the door's screens show, composed here from the store's facts: the candidate card, the
//! result of an act and the room's tally. ts-rs exports them to `ui/src/bindings.ts`.
//!
//! The store answers with the listed candidate (the whole ID number included) and the event it
//! recorded; the card masks the number here (first 6, last 4), so the whole number never crosses
//! to the UI.

use examgate_core::documents::{DocumentKind, mask};
use examgate_core::event::{EventId, PhotoSource};
use examgate_core::face::FaceResult;
use examgate_core::fold::CandidateState;
use examgate_store::{ListedCandidate, Recorded};
use serde::Serialize;
use ts_rs::TS;

/// A candidate as the door shows them: the ID number masked (first 6, last 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CandidateCard {
    pub student_number: String,
    pub name: String,
    pub document_kind: DocumentKind,
    pub document_masked: String,
    pub site: String,
    pub room: String,
    pub room_address: String,
    pub seat: u32,
    pub photo: Option<String>,
    pub state: CandidateState,
    /// While pending manual verification: how its photo was taken (a file chosen by hand deserves
    /// a closer look from the chief examiner).
    pub manual_photo_source: Option<PhotoSource>,
    /// Face recognition as recorded: passed, or failed with the proctor's reason.
    pub face: FaceResult,
}

impl From<ListedCandidate> for CandidateCard {
    fn from(c: ListedCandidate) -> CandidateCard {
        CandidateCard {
            document_masked: mask(&c.document_number),
            student_number: c.student_number,
            name: c.name,
            document_kind: c.document_kind,
            site: c.site,
            room: c.room,
            room_address: c.room_address,
            seat: c.seat,
            photo: c.photo,
            state: c.state,
            manual_photo_source: c.manual_photo_source,
            face: c.face,
        }
    }
}

/// The outcome of a recorded act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ActResult {
    pub event: EventId,
    pub state: CandidateState,
}

impl From<Recorded> for ActResult {
    fn from(r: Recorded) -> ActResult {
        ActResult {
            event: r.event.id,
            state: r.state,
        }
    }
}

/// A room's count, with the cards behind each number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Tally {
    pub expected: Vec<CandidateCard>,
    pub admitted: Vec<CandidateCard>,
    pub pending: Vec<CandidateCard>,
    pub refused: Vec<CandidateCard>,
    pub absent: Vec<CandidateCard>,
    pub conflict: Vec<CandidateCard>,
}

impl Tally {
    /// The room's candidates (as the store lists them, by seat) counted by state.
    pub fn of(room: impl IntoIterator<Item = ListedCandidate>) -> Tally {
        let mut t = Tally::default();
        for candidate in room {
            let card = CandidateCard::from(candidate);
            let list = match card.state {
                CandidateState::Expected => &mut t.expected,
                CandidateState::Admitted { .. } => &mut t.admitted,
                CandidateState::PendingManualVerification => &mut t.pending,
                CandidateState::Refused { .. } => &mut t.refused,
                CandidateState::Absent { .. } => &mut t.absent,
                CandidateState::Conflict { .. } => &mut t.conflict,
            };
            list.push(card);
        }
        t
    }

    /// Every card, state by state.
    pub fn all(&self) -> impl Iterator<Item = &CandidateCard> {
        self.expected
            .iter()
            .chain(&self.admitted)
            .chain(&self.pending)
            .chain(&self.refused)
            .chain(&self.absent)
            .chain(&self.conflict)
    }

    pub fn total(&self) -> usize {
        self.expected.len()
            + self.admitted.len()
            + self.pending.len()
            + self.refused.len()
            + self.absent.len()
            + self.conflict.len()
    }
}
