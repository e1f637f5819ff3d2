//! The door screen's timeline strip and its 监考签到 panel (issue 11, items 1 and 2), as the door
//! service offers them: the room's steps (missed first, then due, next and later) at the exam time
//! in force, ticking one; the proctors present against the room's roster with the staffing rule
//! applied to them; a proctor signing in with staff number and PIN; a substitute approved with the
//! chief examiner's PIN; a proctor's PIN reset by the chief examiner's PIN. The views are made here from the store's reads and the core's rules, so
//! the screens only draw them. Every act is recorded at the device time and kicks a sync.

use chrono::{DateTime, FixedOffset};
use examgate_core::model::Role;
use examgate_core::room_presence::RoomPresence;
use examgate_core::staffing::{Present, Staffing, needs_provincial_notice, provincial_deadline};
use examgate_core::timeline::Timeline;
use examgate_core::timeline_steps::TimelineStep;
use examgate_store::{AtRoom, DeviceTime, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Door, IpcError, Result};

/// Where a step stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum StepState {
    /// Its time and the next step's have passed, not ticked: shown first, in red.
    Missed,
    /// Reached last, not ticked yet.
    Due,
    /// The first step still to come.
    Next,
    Later,
    Done,
}

/// One step of the room's timeline as the strip shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StepView {
    pub step: TimelineStep,
    /// When it is due (exam time).
    pub at: DateTime<FixedOffset>,
    pub state: StepState,
    /// Who ticked it (staff number) and when (exam time).
    pub ticked_by: Option<String>,
    pub ticked_at: Option<DateTime<FixedOffset>>,
}

/// The room's timeline now: missed steps first, then the rest in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoomTimeline {
    /// The exam time it was read at.
    pub now: DateTime<FixedOffset>,
    pub steps: Vec<StepView>,
}

impl RoomTimeline {
    fn of(
        timeline: &Timeline,
        now: DateTime<FixedOffset>,
        presence: &RoomPresence,
    ) -> RoomTimeline {
        let ticked = presence.ticked.keys().copied().collect();
        let at = timeline.steps(now, &ticked);
        let mut steps: Vec<StepView> = TimelineStep::ALL
            .into_iter()
            .map(|step| {
                let done = presence.ticked.get(&step);
                let state = if done.is_some() {
                    StepState::Done
                } else if at.missed.contains(&step) {
                    StepState::Missed
                } else if at.due == Some(step) {
                    StepState::Due
                } else if at.next == Some(step) {
                    StepState::Next
                } else {
                    StepState::Later
                };
                StepView {
                    step,
                    at: timeline.at(step),
                    state,
                    ticked_by: done.map(|t| t.by.clone()),
                    ticked_at: done.map(|t| t.at),
                }
            })
            .collect();
        // Stable: the missed ones move to the top, each group keeps its time order.
        steps.sort_by_key(|s| s.state != StepState::Missed);
        RoomTimeline { now, steps }
    }
}

/// A proctor of the room's roster, and whether they signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RosterProctor {
    pub id: String,
    pub name: String,
    pub present: bool,
}

/// A substitute signed in at the room (staff of the site not on its roster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubstituteProctor {
    pub id: String,
    pub name: String,
    /// The chief examiner who approved them; until then they do not count.
    pub approved_by: Option<String>,
    /// When they signed in (exam time).
    pub signed_in_at: DateTime<FixedOffset>,
    /// They signed in from T−2h on: the rules required the provincial office's approval of the
    /// change by T−2h.
    pub provincial_notice: bool,
}

/// The 监考签到 panel: who is present against the roster, and the staffing rule applied to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoomProctors {
    /// The room's seats (the list's seat count, else the candidates it seats this sitting).
    pub seats: u32,
    pub needed: u32,
    /// Present and counting: roster proctors and approved substitutes.
    pub counted: u32,
    /// How many more the rule asks for; 0 when staffed.
    pub short: u32,
    pub roster: Vec<RosterProctor>,
    pub substitutes: Vec<SubstituteProctor>,
    /// T−2h: the provincial office's approval of a proctor change was due by then.
    pub provincial_deadline: DateTime<FixedOffset>,
}

/// A proctor signing in at the room, as the panel sends it. `pin_again` is the PIN typed a second
/// time at the proctor's first sign-in on this device (when it is set); `null` after.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ProctorSignIn {
    pub staff: String,
    pub pin: String,
    pub pin_again: Option<String>,
}

fn room_proctors(store: &Store, at: AtRoom<'_>) -> Result<RoomProctors> {
    let presence = store.room_presence(at)?;
    let staff = store.staff(at.site, Some(at.room))?;
    let name_of = |id: &str| {
        staff
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    };
    let roster: Vec<RosterProctor> = staff
        .iter()
        .filter(|s| s.role == Role::Proctor && s.room.as_deref() == Some(at.room))
        .map(|s| RosterProctor {
            id: s.id.clone(),
            name: s.name.clone(),
            present: presence.signed_in.contains_key(&s.id),
        })
        .collect();
    let timeline = store.sitting(at.sitting)?.timeline()?;
    let all_staff = store.staff(at.site, None)?;
    let substitutes: Vec<SubstituteProctor> = presence
        .signed_in
        .values()
        .filter(|p| p.substitute)
        .map(|p| SubstituteProctor {
            id: p.staff.clone(),
            name: all_staff
                .iter()
                .find(|s| s.id == p.staff)
                .map_or_else(|| name_of(&p.staff), |s| s.name.clone()),
            approved_by: p.approved_by.clone(),
            signed_in_at: p.at,
            provincial_notice: needs_provincial_notice(&timeline, p.at),
        })
        .collect();
    let present: Vec<Present> = presence
        .signed_in
        .values()
        .map(|p| Present {
            substitute: p.substitute,
            approved: p.approved_by.is_some(),
        })
        .collect();
    let seats = store
        .rooms(at.sitting, at.site)?
        .into_iter()
        .find(|r| r.number == at.room)
        .map_or(0, |r| r.seats.unwrap_or(r.candidates));
    let staffing = Staffing::of(seats, &present);
    Ok(RoomProctors {
        seats,
        needed: staffing.needed,
        counted: staffing.counted,
        short: staffing.short(),
        roster,
        substitutes,
        provincial_deadline: provincial_deadline(&timeline),
    })
}

impl Door {
    /// The room's timeline at the exam time in force (a drill's set time included).
    pub fn room_timeline(&self, sitting: &str, site: &str, room: &str) -> Result<RoomTimeline> {
        let at = AtRoom {
            sitting,
            site,
            room,
        };
        let store = self.store()?;
        let now = store.exam_time(sitting, self.now_for(&store, sitting)?)?;
        let timeline = store.sitting(sitting)?.timeline()?;
        Ok(RoomTimeline::of(&timeline, now, &store.room_presence(at)?))
    }

    /// `actor` ticks `step` of the room's timeline; the timeline after it.
    pub fn tick_step(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
        step: TimelineStep,
    ) -> Result<RoomTimeline> {
        let at = AtRoom {
            sitting,
            site,
            room,
        };
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let done = store.tick_step(at, actor, step, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))?;
        self.room_timeline(sitting, site, room)
    }

    /// The proctors present at the room against its roster, with the staffing rule.
    pub fn room_proctors(&self, sitting: &str, site: &str, room: &str) -> Result<RoomProctors> {
        room_proctors(
            &*self.store()?,
            AtRoom {
                sitting,
                site,
                room,
            },
        )
    }

    /// Whether the proctor `staff` has set their PIN on this device (else their first sign-in
    /// sets it, typed twice).
    pub fn proctor_has_pin(&self, staff: &str) -> Result<bool> {
        Ok(self.store()?.proctor_has_pin(staff)?)
    }

    /// A proctor signs in at the room with staff number and PIN; the panel after it.
    pub fn sign_in_proctor(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        sign_in: &ProctorSignIn,
    ) -> Result<RoomProctors> {
        let at = AtRoom {
            sitting,
            site,
            room,
        };
        self.with_pin_time(at, |store, now| {
            store.sign_in_proctor_with_pin(
                at,
                &sign_in.staff,
                &sign_in.pin,
                sign_in.pin_again.as_deref(),
                now,
            )
        })?;
        self.room_proctors(sitting, site, room)
    }

    /// The chief examiner `chief` approves the substitute `proctor` with their PIN; the panel
    /// after it.
    pub fn approve_substitute(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        proctor: &str,
        chief: &str,
        pin: &str,
    ) -> Result<RoomProctors> {
        let at = AtRoom {
            sitting,
            site,
            room,
        };
        self.with_pin_time(at, |store, now| {
            store.approve_substitute(at, proctor, chief, pin, now)
        })?;
        self.room_proctors(sitting, site, room)
    }

    /// The chief examiner `chief` of the site resets the PIN of the proctor `proctor` on this
    /// device with the chief's own PIN: the proctor's next sign-in sets a new one, typed twice.
    pub fn reset_proctor_pin(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        proctor: &str,
        chief: &str,
        pin: &str,
    ) -> Result<()> {
        let at = AtRoom {
            sitting,
            site,
            room,
        };
        self.with_pin_time(at, |store, now| {
            store.reset_proctor_pin(at, proctor, chief, pin, now)
        })
    }

    /// Runs a PIN-checked act at the room on the device's own clocks (the lock-out runs on them,
    /// never on a set exam time), with the store released before the sync is kicked.
    fn with_pin_time<T>(
        &self,
        at: AtRoom<'_>,
        act: impl FnOnce(&mut Store, DeviceTime) -> examgate_store::Result<T>,
    ) -> Result<T> {
        let mut store = self.store()?;
        let now = self.pin_time_for(&store, at.sitting)?;
        let done = act(&mut store, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))
    }
}
