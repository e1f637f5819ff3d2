//! Closing the room, as the store records it: what is unresolved (read from the room's
//! candidates and log by [`examgate_core::closing`]), the close itself (refused before the end,
//! while anything is unresolved, twice, or by someone not of the room), and the chief examiner's
//! waiver of one item, typed with their PIN at the door device (purpose `waive`: the PIN's
//! lock-out applies and the event carries the chief's proof for the site server).
//!
//! After the close, the room's violations are final: a new record or an edit is refused here,
//! and the readers ignore one arriving later by sync ([`examgate_core::room_day::violations_until`]).

use chrono::{DateTime, FixedOffset};
use examgate_core::chief_proof::ProofKey;
use examgate_core::closing::{
    Closing, ClosingItem, RoomStates, closed_at, closing, decide_close, decide_waiver,
};
use examgate_core::door::DoorError;
use examgate_core::event::{Event, EventKind};
use examgate_core::model::Role;

use crate::catalog::staff_member;
use crate::error::{Result, StoreError};
use crate::events::{NewEvent, append, candidate_events};
use crate::exam_time::exam_time_at;
use crate::pin::Purpose;
use crate::pin_lock::DeviceTime;
use crate::{AtRoom, Store};

impl Store {
    /// The room's candidates (student number, state) and every event the closing reads: their
    /// events and the room's own acts.
    fn room_log(&self, sitting: &str, site: &str, room: &str) -> Result<(RoomStates, Vec<Event>)> {
        self.room_exists(sitting, site, room)?;
        let mut events = Vec::new();
        let mut candidates = Vec::new();
        for c in self.room_candidates(sitting, site, room)? {
            events.extend(candidate_events(&self.conn, sitting, &c.student_number)?);
            candidates.push((c.student_number, c.state));
        }
        events.extend(self.room_acts(AtRoom {
            sitting,
            site,
            room,
        })?);
        Ok((candidates, events))
    }

    /// Where the room's closing stands: each unresolved item with its waiver, and the close.
    pub fn room_closing(&self, sitting: &str, site: &str, room: &str) -> Result<Closing> {
        let (candidates, events) = self.room_log(sitting, site, room)?;
        let is_chief = |actor: &str| {
            staff_member(&self.conn, actor).is_ok_and(|s| s.role == Role::ChiefExaminer)
        };
        Ok(closing(site, room, &candidates, &events, is_chief))
    }

    /// The room's close (the first, by hybrid clock), once it is closed: read from the room's own
    /// acts alone, not its candidates'.
    pub fn room_closed(&self, at: AtRoom<'_>) -> Result<Option<Event>> {
        let acts = self.room_acts(at)?;
        Ok(closed_at(&acts, at.site, at.room).cloned())
    }

    /// Refuses ([`DoorError::RoomClosed`]) when `student`'s room is closed.
    pub(crate) fn refuse_if_closed(&self, sitting: &str, student: &str) -> Result<()> {
        let c = self.candidate(sitting, student)?;
        let at = AtRoom {
            sitting,
            site: &c.site,
            room: &c.room,
        };
        if self.room_closed(at)?.is_some() {
            return Err(DoorError::RoomClosed.into());
        }
        Ok(())
    }

    /// Runs `f` inside an IMMEDIATE transaction on the store's connection: committed when it
    /// succeeds, rolled back when it fails. What `f` reads cannot change before it writes.
    fn immediately<T>(&mut self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let done = f(self);
        match &done {
            Ok(_) => self.conn.execute_batch("COMMIT")?,
            Err(_) => self.conn.execute_batch("ROLLBACK")?,
        }
        done
    }

    /// `actor` closes the room at device time `now`: a proctor of the room (on its roster or
    /// signed in at it) or the site's chief examiner, at or after the end by the sitting's exam
    /// time, with every item resolved or waived, once.
    pub fn close_room(
        &mut self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Event> {
        self.immediately(|store| {
            let staff = staff_member(&store.conn, actor)?;
            let state = store.room_closing(sitting, site, room)?;
            let at = AtRoom {
                sitting,
                site,
                room,
            };
            let of_room = staff.site == site && store.acts_for_room(at, &staff)?;
            let end = store.sitting(sitting)?.timeline()?.end;
            let exam = exam_time_at(&store.conn, sitting, now)?;
            let kind = decide_close(&state, site, room, of_room, exam.unwrap_or(now), end)?;
            store.append_room_act(sitting, actor, kind, now, exam, None)
        })
    }

    /// The chief examiner `chief` waives `item` of the room's closing for `reason`, proven by
    /// `pin` at device time `now` (its wall clock, and its boot clock where it has one: the PIN's
    /// lock-out runs on them). Refused for anyone but a chief, without a reason, for an item that
    /// is not unresolved or already waived, and once the room is closed.
    #[allow(
        clippy::too_many_arguments,
        reason = "the room, the chief, the PIN and what is waived"
    )]
    pub fn waive_with_pin(
        &mut self,
        sitting: &str,
        site: &str,
        room: &str,
        chief: &str,
        pin: &str,
        item: &ClosingItem,
        reason: &str,
        now: impl Into<DeviceTime>,
    ) -> Result<Event> {
        let now = now.into();
        if reason.trim().is_empty() {
            return Err(DoorError::WaiverNeedsReason.into());
        }
        self.room_exists(sitting, site, room)?;
        let key = self.check_pin(
            chief,
            pin,
            &now,
            Purpose::Waive,
            Some((sitting, item.student().unwrap_or_default())),
        )?;
        self.immediately(|store| {
            let staff = staff_member(&store.conn, chief)?;
            if staff.site != site {
                return Err(StoreError::NotChief(chief.to_string()));
            }
            let state = store.room_closing(sitting, site, room)?;
            let kind = decide_waiver(&state, site, room, item, reason, staff.role)?;
            let exam = exam_time_at(&store.conn, sitting, now.wall)?;
            store.append_room_act(sitting, chief, kind, now.wall, exam, key.as_ref())
        })
    }

    fn append_room_act(
        &self,
        sitting: &str,
        actor: &str,
        kind: EventKind,
        now: DateTime<FixedOffset>,
        exam_time: Option<DateTime<FixedOffset>>,
        proof: Option<&ProofKey>,
    ) -> Result<Event> {
        append(
            &self.conn,
            NewEvent {
                actor,
                sitting,
                candidate: None,
                parents: Vec::new(),
                kind,
                now,
                exam_time,
                proof,
            },
        )
    }
}
