//! The acts of a room's day beyond the door: a proctor signing in as present, the 30-minute
//! count check, a count-check photo of a candidate, and a violation recorded (or edited) for a
//! candidate. Each is an event in the same log as the door's acts, so it syncs, reaches the chief
//! examiner's screen and the office's reports with no path of its own.
//!
//! After the exam the chief examiner marks each entry photo checked on the platform (考后核验): an
//! annotation too, that only a chief examiner may record.
//!
//! Room acts name no candidate ([`EventKind::room`]); the others are annotations on a candidate:
//! none moves a candidate's state, so none needs the fold's parents.

use chrono::{DateTime, FixedOffset};
use examgate_core::count_check::{self, CountInputError};
use examgate_core::event::{Event, EventId, EventKind, PhotoRef, Violation};
use examgate_core::fold::CandidateState;
use examgate_core::model::Role;
use examgate_core::timeline::Timeline;
use examgate_core::violation_form;
use rusqlite::TransactionBehavior;

use crate::catalog::{sitting_by_label, staff_member};
use crate::door::listed;
use crate::error::{Result, StoreError};
use crate::events::{NewEvent, append, candidate_events};
use crate::exam_time::exam_time_at;
use crate::{ListedCandidate, Store};

impl Store {
    pub(crate) fn room_exists(&self, sitting: &str, site: &str, room: &str) -> Result<()> {
        if self.room_of_site(sitting, site, room)? {
            Ok(())
        } else {
            Err(StoreError::UnknownRoom {
                site: site.into(),
                room: room.into(),
            })
        }
    }

    /// The sitting's timeline and the exam time the rules read at device time `now`.
    fn rules_at(
        &self,
        sitting: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<(Timeline, DateTime<FixedOffset>)> {
        let info = sitting_by_label(&self.conn, sitting)?
            .ok_or_else(|| StoreError::UnknownSitting(sitting.to_string()))?;
        Ok((info.timeline()?, self.exam_time(sitting, now)?))
    }

    /// `student` as listed, refused unless seated in `room` of `site`: a room's screens act
    /// on their own candidates only.
    pub fn candidate_in_room(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        student: &str,
    ) -> Result<ListedCandidate> {
        let c = self.candidate(sitting, student)?;
        if c.site != site || c.room != room {
            return Err(StoreError::NotInRoom {
                student: student.into(),
                room: room.into(),
            });
        }
        Ok(c)
    }

    fn append_one(
        &mut self,
        sitting: &str,
        candidate: Option<&str>,
        actor: &str,
        kind: EventKind,
        now: DateTime<FixedOffset>,
    ) -> Result<Event> {
        let number = candidate
            .map(|c| listed(&self.conn, sitting, c))
            .transpose()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        staff_member(&tx, actor)?;
        let event = append(
            &tx,
            NewEvent {
                actor,
                sitting,
                candidate: number.as_ref(),
                parents: Vec::new(),
                kind,
                now,
                exam_time: exam_time_at(&tx, sitting, now)?,
                proof: None,
            },
        )?;
        tx.commit()?;
        Ok(event)
    }

    /// `actor` (a proctor of the site) signs in as present in the room, with no PIN: the office's
    /// demo and fixtures. The door signs in with the proctor's PIN
    /// ([`Store::sign_in_proctor_with_pin`]).
    pub fn sign_in_proctor(
        &mut self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Event> {
        self.room_exists(sitting, site, room)?;
        let who = crate::proctor_pin::proctor_of_site(&self.conn, actor, site)?;
        let kind = EventKind::ProctorSignedIn {
            site: site.into(),
            room: room.into(),
            substitute: who.room.as_deref() != Some(room),
        };
        self.append_one(sitting, None, actor, kind, now)
    }

    /// The 30-minute count check: the platform's sign-in count the proctor typed against the
    /// candidates admitted in the room now (manual verifications approved included). Refused
    /// until it is due (after T+30 by the exam time) and for a count above the room's list.
    pub fn record_count_check(
        &mut self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
        platform_count: u32,
        now: DateTime<FixedOffset>,
    ) -> Result<Event> {
        self.room_exists(sitting, site, room)?;
        let (timeline, exam) = self.rules_at(sitting, now)?;
        if !count_check::due(&timeline, exam) {
            return Err(StoreError::TooEarlyForCountCheck);
        }
        let listed = self.room_candidates(sitting, site, room)?;
        let room_size = u32::try_from(listed.len()).unwrap_or(u32::MAX);
        if platform_count > room_size {
            return Err(CountInputError::MoreThanRoom {
                typed: platform_count.to_string(),
                room: room_size,
            }
            .into());
        }
        let admitted = listed
            .iter()
            .filter(|c| matches!(c.state, CandidateState::Admitted { .. }))
            .count();
        let kind = EventKind::CountChecked {
            site: site.into(),
            room: room.into(),
            platform_count,
            real_count: u32::try_from(admitted).unwrap_or(u32::MAX),
        };
        self.append_one(sitting, None, actor, kind, now)
    }

    /// Records the count check's photo of `student` (already stamped, signed and stored).
    pub fn record_count_check_photo(
        &mut self,
        sitting: &str,
        student: &str,
        actor: &str,
        photo: PhotoRef,
        now: DateTime<FixedOffset>,
    ) -> Result<Event> {
        self.count_check_photo_allowed(sitting, student, now)?;
        let kind = EventKind::CountCheckPhoto { photo };
        self.append_one(sitting, Some(student), actor, kind, now)
    }

    /// Whether a count-check photo of `student` may be taken at device time `now`: once the check
    /// is due, of a candidate admitted (only they are in the room to photograph).
    pub fn count_check_photo_allowed(
        &self,
        sitting: &str,
        student: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        let (timeline, exam) = self.rules_at(sitting, now)?;
        if !count_check::due(&timeline, exam) {
            return Err(StoreError::TooEarlyForCountCheck);
        }
        let c = self.candidate(sitting, student)?;
        match c.state {
            CandidateState::Admitted { .. } => Ok(()),
            _ => Err(StoreError::NotInRoom {
                student: student.into(),
                room: c.room,
            }),
        }
    }

    /// Records a violation of `student`, or an edit of the one first recorded as `edits` (which
    /// must be that candidate's). Refused once their room is closed.
    pub fn record_violation(
        &mut self,
        sitting: &str,
        student: &str,
        actor: &str,
        violation: Violation,
        edits: Option<EventId>,
        now: DateTime<FixedOffset>,
    ) -> Result<Event> {
        self.refuse_if_closed(sitting, student)?;
        let (timeline, _) = self.rules_at(sitting, now)?;
        let violation = violation_form::check(violation, &timeline)?;
        for p in &violation.proctors {
            staff_member(&self.conn, p)?;
        }
        if let Some(first) = edits {
            let theirs = candidate_events(&self.conn, sitting, student)?;
            let known = theirs.iter().any(|e| {
                e.id == first && matches!(e.kind, EventKind::ViolationRecorded { edits: None, .. })
            });
            if !known {
                return Err(StoreError::UnknownViolation {
                    student: student.into(),
                    id: first.to_string(),
                });
            }
        }
        let kind = EventKind::ViolationRecorded { violation, edits };
        self.append_one(sitting, Some(student), actor, kind, now)
    }

    /// The chief examiner `actor` marks `student`'s entry photo checked on the platform after the
    /// exam (考后核验). Refused for anyone but a chief examiner.
    pub fn mark_post_exam_checked(
        &mut self,
        sitting: &str,
        student: &str,
        actor: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Event> {
        if staff_member(&self.conn, actor)?.role != Role::ChiefExaminer {
            return Err(StoreError::NotChief(actor.to_string()));
        }
        self.append_one(
            sitting,
            Some(student),
            actor,
            EventKind::PostExamChecked,
            now,
        )
    }
}
