//! A room's timeline ticks and the chief examiner's approval of a substitute proctor, and the
//! read of one room's acts behind the door screen's timeline strip and its 监考签到 panel.
//!
//! A tick names its room and step and is recorded only once the step's time has come by the
//! exam time in force (a drill's set time included); ticking twice is harmless (the first counts).
//! An approval is the chief's own act typed at the door with their PIN (purpose `substitute`,
//! counted and locked like every chief PIN try), about a proctor who signed in at that room as a
//! substitute and is not approved yet; on an enrolled device it carries the chief's proof, which
//! the site server checks before it lets a proctor's device send it.

use chrono::{DateTime, FixedOffset};
use examgate_core::event::{Event, EventKind};
use examgate_core::model::Role;
use examgate_core::room_presence::{RoomPresence, room_presence};
use examgate_core::timeline_steps::TimelineStep;
use rusqlite::{TransactionBehavior, params};

use crate::Store;
use crate::catalog::{StaffInfo, staff_member};
use crate::error::{Result, StoreError};
use crate::events::{NewEvent, append, parse};
use crate::exam_time::exam_time_at;
use crate::pin::Purpose;
use crate::pin_lock::DeviceTime;
use crate::proctor_pin::{AtRoom, chief_of_site};

impl Store {
    /// The room acts of one room (sign-ins, ticks, approvals, count checks), oldest first.
    pub fn room_acts(&self, at: AtRoom<'_>) -> Result<Vec<Event>> {
        let mut stmt = self.conn.prepare(
            "SELECT body FROM event WHERE sitting = ?1 AND candidate = ''
               AND json_extract(body, '$.kind.site') = ?2
               AND json_extract(body, '$.kind.room') = ?3 ORDER BY hlc, id",
        )?;
        let bodies = stmt.query_map(params![at.sitting, at.site, at.room], |r| {
            r.get::<_, String>(0)
        })?;
        bodies.map(|b| parse(&b?)).collect()
    }

    /// Who signed in at the room, the substitutes approved, and the steps ticked.
    pub fn room_presence(&self, at: AtRoom<'_>) -> Result<RoomPresence> {
        let chiefs: Vec<String> = self
            .staff(at.site, None)?
            .into_iter()
            .filter(|s| s.role == Role::ChiefExaminer)
            .map(|s| s.id)
            .collect();
        let is_chief = |id: &str| chiefs.iter().any(|c| c == id);
        Ok(room_presence(
            &self.room_acts(at)?,
            at.site,
            at.room,
            &is_chief,
        ))
    }

    /// Whether `staff` (a member of the room's site) acts for the room: the site's chief
    /// examiner, a proctor on the room's roster, or one signed in at it (a substitute included).
    pub(crate) fn acts_for_room(&self, at: AtRoom<'_>, staff: &StaffInfo) -> Result<bool> {
        if staff.role == Role::ChiefExaminer || staff.room.as_deref() == Some(at.room) {
            return Ok(true);
        }
        Ok(self
            .room_presence(at)?
            .signed_in
            .contains_key(staff.id.as_str()))
    }

    /// `actor` ticks `step` of the room's timeline at device time `now`: the site's chief
    /// examiner, a proctor on the room's roster or one signed in at the room (anyone else of the
    /// site could otherwise tick another room's steps); refused before the step's time by the
    /// exam time in force.
    pub fn tick_step(
        &mut self,
        at: AtRoom<'_>,
        actor: &str,
        step: TimelineStep,
        now: DateTime<FixedOffset>,
    ) -> Result<Event> {
        self.room_exists(at.sitting, at.site, at.room)?;
        let who = staff_member(&self.conn, actor)?;
        if who.site != at.site {
            return Err(StoreError::NotOfSite {
                staff: actor.into(),
                site: at.site.into(),
            });
        }
        if !self.acts_for_room(at, &who)? {
            return Err(StoreError::NotAtRoom {
                staff: actor.into(),
                room: at.room.into(),
            });
        }
        let timeline = self.sitting(at.sitting)?.timeline()?;
        if self.exam_time(at.sitting, now)? < timeline.at(step) {
            return Err(StoreError::StepNotDue);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let event = append(
            &tx,
            NewEvent {
                actor,
                sitting: at.sitting,
                candidate: None,
                parents: Vec::new(),
                kind: EventKind::TimelineStepTicked {
                    site: at.site.into(),
                    room: at.room.into(),
                    step,
                },
                now,
                exam_time: exam_time_at(&tx, at.sitting, now)?,
                proof: None,
            },
        )?;
        tx.commit()?;
        Ok(event)
    }

    /// The chief examiner `chief` of the room's site approves the substitute `proctor` signed in
    /// at the room, proven by `pin` (every try recorded and counted; see [`Store::check_pin`]).
    pub fn approve_substitute(
        &mut self,
        at: AtRoom<'_>,
        proctor: &str,
        chief: &str,
        pin: &str,
        now: impl Into<DeviceTime>,
    ) -> Result<Event> {
        let now = now.into();
        self.room_exists(at.sitting, at.site, at.room)?;
        chief_of_site(&self.conn, chief, at.site)?;
        let waiting = self
            .room_presence(at)?
            .signed_in
            .get(proctor)
            .is_some_and(|p| p.substitute && p.approved_by.is_none());
        if !waiting {
            return Err(StoreError::NoSubstitute(proctor.into()));
        }
        // The try is about the sitting (for the office's record of PIN tries), no candidate.
        let about = Some((at.sitting, ""));
        let key = self.check_pin(chief, pin, &now, Purpose::Substitute, about)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let event = append(
            &tx,
            NewEvent {
                actor: chief,
                sitting: at.sitting,
                candidate: None,
                parents: Vec::new(),
                kind: EventKind::SubstituteApproved {
                    site: at.site.into(),
                    room: at.room.into(),
                    proctor: proctor.into(),
                },
                now: now.wall,
                exam_time: exam_time_at(&tx, at.sitting, now.wall)?,
                proof: key.as_ref(),
            },
        )?;
        tx.commit()?;
        Ok(event)
    }
}
