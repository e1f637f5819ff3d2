//! What the door asks of the store: find a candidate, compare the typed ID, record an act, list
//! the room with every candidate's state.
//!
//! Searches are scoped to the proctor's site, so a candidate at the wrong door is still found with
//! their right room. Every act reads the candidate's folded state, decides and appends inside one
//! IMMEDIATE transaction: two taps or two threads cannot both admit.
//!
//! The store answers with storage-level facts ([`ListedCandidate`]: the listed row with the whole
//! ID number and the folded state; [`Recorded`]: the event appended and the state it led to). What
//! a screen shows (the card with the number masked, the tally, an act's result) is composed from
//! them by the door service (`examgate-door`), which is the one that speaks to the UI.

use chrono::{DateTime, FixedOffset};
use examgate_core::chief_proof::ProofKey;
use examgate_core::documents::{DocumentKind, mask};
use examgate_core::door::{DoorAct, decide};
use examgate_core::event::{Event, EventKind, PhotoSource};
use examgate_core::face::FaceResult;
use examgate_core::fold::{CandidateState, Folded, fold};
use examgate_core::model::StudentNumber;
use examgate_core::search::{DocumentMatch, Query, match_document};
use examgate_core::timeline::Timeline;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::StaffInfo;
use crate::Store;
use crate::catalog::{sitting_by_label, staff_member};
use crate::error::{Result, StoreError};
use crate::events::{NewEvent, append, candidate_events, folded};
use crate::exam_time::{DecisionTime, exam_time_at};
use crate::fallback::settle;

/// A candidate as the seating list has them, with the state their events fold to. Holds the whole
/// ID number: whoever shows the candidate masks it (its `Debug` does).
#[derive(Clone, PartialEq, Eq)]
pub struct ListedCandidate {
    pub student_number: String,
    pub name: String,
    pub document_kind: DocumentKind,
    /// The ID number as listed, whole.
    pub document_number: String,
    pub site: String,
    pub room: String,
    pub room_address: String,
    pub seat: u32,
    pub photo: Option<String>,
    pub state: CandidateState,
    /// While pending manual verification: how the photo of the latest request was taken.
    pub manual_photo_source: Option<PhotoSource>,
    /// Face recognition as the door's acts record it.
    pub face: FaceResult,
}

impl std::fmt::Debug for ListedCandidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListedCandidate")
            .field("student_number", &self.student_number)
            .field("name", &self.name)
            .field("document_kind", &self.document_kind)
            .field("document_number", &mask(&self.document_number))
            .field("site", &self.site)
            .field("room", &self.room)
            .field("room_address", &self.room_address)
            .field("seat", &self.seat)
            .field("photo", &self.photo)
            .field("state", &self.state)
            .field("manual_photo_source", &self.manual_photo_source)
            .field("face", &self.face)
            .finish()
    }
}

/// A recorded act: the event appended and the candidate's state after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub event: Event,
    pub state: CandidateState,
}

const CANDIDATE_SELECT: &str =
    "SELECT c.student_number, c.name, c.document_kind, c.document_number,
        st.name, r.number, r.address, c.seat, c.photo
     FROM candidate c JOIN room r ON r.id = c.room_id JOIN site st ON st.id = r.site_id
     JOIN sitting s ON s.id = c.sitting_id";

fn candidate_from_row(r: &Row<'_>) -> rusqlite::Result<ListedCandidate> {
    let kind: String = r.get(2)?;
    let number: String = r.get(3)?;
    Ok(ListedCandidate {
        student_number: r.get(0)?,
        name: r.get(1)?,
        document_kind: DocumentKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                "unknown document kind".into(),
            )
        })?,
        document_number: number,
        site: r.get(4)?,
        room: r.get(5)?,
        room_address: r.get(6)?,
        seat: r.get(7)?,
        photo: r.get(8)?,
        state: CandidateState::Expected,
        manual_photo_source: None,
        face: FaceResult::NotRecorded,
    })
}

/// Who acts, in which sitting, at what time: what every door act is decided against.
struct DoorContext<'a> {
    sitting: &'a str,
    actor: &'a StaffInfo,
    timeline: &'a Timeline,
    /// The device clock: what the event is stamped with.
    now: DateTime<FixedOffset>,
    /// The exam time the rules read, when a set one is in force (else the device clock).
    exam: Option<DateTime<FixedOffset>>,
    /// The chief's proof key, when the act was proven with a PIN set at the site server.
    proof: Option<&'a ProofKey>,
}

impl DoorContext<'_> {
    /// What `act` on a candidate whose state is `before` would record, or why it is refused.
    fn decide(&self, before: &CandidateState, act: &DoorAct) -> Result<EventKind> {
        Ok(decide(
            before,
            act,
            self.actor.role,
            self.timeline,
            self.exam.unwrap_or(self.now),
        )?)
    }

    /// Decides `act` on a candidate whose folded state is `before` and appends the event, naming
    /// the heads it saw as parents. Inside the caller's transaction.
    fn record(
        &self,
        conn: &rusqlite::Connection,
        candidate: &StudentNumber,
        before: Folded,
        act: &DoorAct,
    ) -> Result<Event> {
        let kind = self.decide(&before.state, act)?;
        append(
            conn,
            NewEvent {
                actor: &self.actor.id,
                sitting: self.sitting,
                candidate: Some(candidate),
                parents: before.heads,
                kind,
                now: self.now,
                exam_time: self.exam,
                proof: self.proof,
            },
        )
    }
}

/// `s` as a LIKE pattern matching only itself: backslash, `%` and `_` escaped with a backslash,
/// the query's ESCAPE character.
fn like_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` read backwards: how ticket and document numbers are stored for suffix search.
pub(crate) fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// Whether `student` is on the list of the sitting labelled `sitting_label`; their parsed number
/// when they are. [`StoreError::UnknownCandidate`] otherwise, the sitting being unknown included.
pub(crate) fn listed(
    conn: &Connection,
    sitting_label: &str,
    student: &str,
) -> Result<StudentNumber> {
    let unknown = || StoreError::UnknownCandidate(student.to_string());
    let number = StudentNumber::parse(student).map_err(|_| unknown())?;
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM candidate c JOIN sitting s ON s.id = c.sitting_id
             WHERE s.label = ?1 AND c.student_number = ?2",
            params![sitting_label, student],
            |r| r.get(0),
        )
        .optional()?;
    found.map(|_| number).ok_or_else(unknown)
}

/// What a door act on one candidate is decided against, read on one connection (inside the act's
/// transaction, or outside it for a preview): the sitting's timeline and exam time, the candidate
/// (who must be listed), the acting staff member and the candidate's events folded.
pub(crate) struct ActInputs {
    pub timeline: Timeline,
    /// The exam time at the moment decided on, when a set one is in force.
    pub exam: Option<DateTime<FixedOffset>>,
    pub number: StudentNumber,
    pub staff: StaffInfo,
    pub events: Vec<Event>,
    pub before: Folded,
}

impl ActInputs {
    /// The act is decided at device time `now`, or at the earlier moment `decided` when given.
    pub(crate) fn read(
        conn: &Connection,
        sitting: &str,
        student: &str,
        actor: &str,
        now: DateTime<FixedOffset>,
        decided: Option<DecisionTime>,
    ) -> Result<ActInputs> {
        let info = sitting_by_label(conn, sitting)?
            .ok_or_else(|| StoreError::UnknownSitting(sitting.to_string()))?;
        let timeline = info.timeline()?;
        let exam = match decided {
            Some(d) => Some(d.exam().unwrap_or(d.device())),
            None => exam_time_at(conn, sitting, now)?,
        };
        let number = listed(conn, sitting, student)?;
        let staff = staff_member(conn, actor)?;
        let events = candidate_events(conn, sitting, student)?;
        let before = fold(&events);
        Ok(ActInputs {
            timeline,
            exam,
            number,
            staff,
            events,
            before,
        })
    }

    /// The context of an act by the staff member read, recorded at device time `now`.
    fn door<'a>(&'a self, sitting: &'a str, now: DateTime<FixedOffset>) -> DoorContext<'a> {
        DoorContext {
            sitting,
            actor: &self.staff,
            timeline: &self.timeline,
            now,
            exam: self.exam,
            proof: None,
        }
    }

    /// What `act` by the staff member read would record now, decided exactly as [`Store::act`]
    /// decides it, or why it would be refused. Writes nothing.
    pub(crate) fn decide(
        &self,
        sitting: &str,
        act: &DoorAct,
        now: DateTime<FixedOffset>,
    ) -> Result<EventKind> {
        self.door(sitting, now).decide(&self.before.state, act)
    }
}

impl Store {
    /// Finds candidates of `sitting` at `site` from the search box's text. A seat number needs the
    /// proctor's `room`. At most `limit` candidates, those of `room` first.
    pub fn search(
        &self,
        sitting: &str,
        site: &str,
        room: Option<&str>,
        text: &str,
        limit: usize,
    ) -> Result<Vec<ListedCandidate>> {
        let Some(query) = Query::parse(text) else {
            return Ok(Vec::new());
        };
        let scope = "s.label = ?1 AND st.name = ?2";
        let (clause, arg): (&str, String) = match &query {
            Query::Ticket(t) => ("c.student_number = ?3", t.clone()),
            Query::Suffix(x) => (
                "(c.ticket_rev GLOB ?3 OR c.document_rev GLOB ?3)",
                format!("{}*", reversed(x)),
            ),
            Query::Seat(n) => ("r.number = ?4 AND c.seat = ?3", n.to_string()),
            Query::Document(d) => ("c.document_number = ?3", d.clone()),
            // `%` and `_` typed in the box are letters to find, not wildcards.
            Query::Name(n) => ("c.name LIKE '%' || ?3 || '%' ESCAPE '\\'", like_literal(n)),
        };
        let sql = format!(
            "{CANDIDATE_SELECT} WHERE {scope} AND {clause}
             ORDER BY (r.number = ?4) DESC, c.student_number LIMIT ?5"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![sitting, site, arg, room, limit as i64],
            candidate_from_row,
        )?;
        let mut found = Vec::new();
        for row in rows {
            let mut candidate = row?;
            settle(&self.conn, sitting, &mut candidate)?;
            found.push(candidate);
        }
        Ok(found)
    }

    /// One candidate of `sitting`, with their state.
    pub fn candidate(&self, sitting: &str, student: &str) -> Result<ListedCandidate> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{CANDIDATE_SELECT} WHERE s.label = ?1 AND c.student_number = ?2"
        ))?;
        let mut candidate = stmt
            .query_row(params![sitting, student], candidate_from_row)
            .optional()?
            .ok_or_else(|| StoreError::UnknownCandidate(student.to_string()))?;
        settle(&self.conn, sitting, &mut candidate)?;
        Ok(candidate)
    }

    /// The registration photo from the seating list, when it had one: (content type, bytes).
    pub fn registration_photo(
        &self,
        sitting: &str,
        student: &str,
    ) -> Result<Option<(String, Vec<u8>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT p.content_type, p.bytes FROM registration_photo p
                 JOIN sitting s ON s.id = p.sitting_id
                 WHERE s.label = ?1 AND p.student_number = ?2",
                params![sitting, student],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Compares what the proctor typed from the ID card (whole number or at least its last 4
    /// characters) with the seating list. The listed number never leaves the store.
    pub fn check_document(
        &self,
        sitting: &str,
        student: &str,
        typed: &str,
    ) -> Result<DocumentMatch> {
        let listed: String = self
            .conn
            .query_row(
                "SELECT c.document_number FROM candidate c JOIN sitting s ON s.id = c.sitting_id
                 WHERE s.label = ?1 AND c.student_number = ?2",
                params![sitting, student],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::UnknownCandidate(student.to_string()))?;
        Ok(match_document(&listed, typed))
    }

    /// Records `act` on a candidate by the staff member `actor` at device time `now`, durably, and
    /// returns the candidate's new state. The rules read the sitting's exam time at `now` (the
    /// device clock unless a set time is in force). Refused (nothing written) when the rules
    /// forbid it.
    pub fn act(
        &mut self,
        sitting: &str,
        student: &str,
        actor: &str,
        act: &DoorAct,
        now: DateTime<FixedOffset>,
    ) -> Result<Recorded> {
        self.act_decided_at(sitting, student, actor, act, now, None)
    }

    /// [`Store::act`], decided at the earlier moment `decided` when given (when a vouch began,
    /// before its photo was taken: see [`Store::decision_time`]); the event is still stamped with
    /// the device time `now`.
    pub fn act_decided_at(
        &mut self,
        sitting: &str,
        student: &str,
        actor: &str,
        act: &DoorAct,
        now: DateTime<FixedOffset>,
        decided: Option<DecisionTime>,
    ) -> Result<Recorded> {
        self.record_act(sitting, student, actor, act, now, decided, None)
    }

    /// [`Store::act`] by a chief examiner whose PIN was just checked: with the proof key that PIN
    /// made (a PIN set at the site server), the event carries the chief's proof.
    pub(crate) fn act_proven(
        &mut self,
        sitting: &str,
        student: &str,
        actor: &str,
        act: &DoorAct,
        now: DateTime<FixedOffset>,
        proof: Option<&ProofKey>,
    ) -> Result<Recorded> {
        self.record_act(sitting, student, actor, act, now, None, proof)
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the two public entries name them all"
    )]
    fn record_act(
        &mut self,
        sitting: &str,
        student: &str,
        actor: &str,
        act: &DoorAct,
        now: DateTime<FixedOffset>,
        decided: Option<DecisionTime>,
        proof: Option<&ProofKey>,
    ) -> Result<Recorded> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inputs = ActInputs::read(&tx, sitting, student, actor, now, decided)?;
        let door = DoorContext {
            proof,
            ..inputs.door(sitting, now)
        };
        let event = door.record(&tx, &inputs.number, inputs.before.clone(), act)?;
        let after = fold(inputs.events.iter().chain(std::iter::once(&event)));
        tx.commit()?;
        Ok(Recorded {
            event,
            state: after.state,
        })
    }

    /// Records that a candidate came to `at_room`'s door but is seated elsewhere (they were sent
    /// to their own room). An annotation: it does not change their state.
    pub fn note_wrong_room(
        &mut self,
        sitting: &str,
        student: &str,
        actor: &str,
        at_room: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        let number = listed(&self.conn, sitting, student)?;
        let tx = self.conn.transaction()?;
        staff_member(&tx, actor)?;
        append(
            &tx,
            NewEvent {
                actor,
                sitting,
                candidate: Some(&number),
                parents: Vec::new(),
                kind: EventKind::Redirected {
                    to_room: at_room.to_string(),
                },
                now,
                exam_time: exam_time_at(&tx, sitting, now)?,
                proof: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// After T+30: marks every candidate of the room still expected as absent, in one
    /// transaction. Returns how many were marked.
    pub fn mark_remaining_absent(
        &mut self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<u32> {
        let info = self.sitting(sitting)?;
        let timeline = info.timeline()?;
        let expected: Vec<String> = self
            .room_candidates(sitting, site, room)?
            .into_iter()
            .filter(|c| c.state == CandidateState::Expected)
            .map(|c| c.student_number)
            .collect();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let staff = staff_member(&tx, actor)?;
        let door = DoorContext {
            sitting,
            actor: &staff,
            timeline: &timeline,
            now,
            exam: exam_time_at(&tx, sitting, now)?,
            proof: None,
        };
        let mut marked = 0;
        for student in &expected {
            let number = listed(&tx, sitting, student)?;
            let before = folded(&tx, sitting, student)?;
            if before.state != CandidateState::Expected {
                continue;
            }
            door.record(&tx, &number, before, &DoorAct::MarkAbsent)?;
            marked += 1;
        }
        tx.commit()?;
        Ok(marked)
    }

    /// Every candidate of a room's list, with their state, by seat: what the room's tally counts.
    pub fn room_candidates(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
    ) -> Result<Vec<ListedCandidate>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{CANDIDATE_SELECT} WHERE s.label = ?1 AND st.name = ?2 AND r.number = ?3 ORDER BY c.seat"
        ))?;
        let rows = stmt.query_map(params![sitting, site, room], candidate_from_row)?;
        let mut listed = Vec::new();
        for row in rows {
            let mut candidate = row?;
            settle(&self.conn, sitting, &mut candidate)?;
            listed.push(candidate);
        }
        Ok(listed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_candidate_never_prints_the_whole_id_number() {
        let listed = ListedCandidate {
            student_number: "2242100000001".into(),
            name: "张三".into(),
            document_kind: DocumentKind::ResidentId,
            document_number: "11010519491231002X".into(),
            site: "襄阳电大校本部".into(),
            room: "01".into(),
            room_address: "教学楼101室".into(),
            seat: 1,
            photo: None,
            state: CandidateState::Expected,
            manual_photo_source: None,
            face: FaceResult::NotRecorded,
        };
        let printed = format!("{listed:?}");
        assert!(!printed.contains("11010519491231002X"), "{printed}");
        assert!(printed.contains("110105********002X"), "{printed}");
    }
}
