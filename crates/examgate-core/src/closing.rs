//! Closing the room (DOMAIN.md step 7): after the end, the proctor closes the room, and the app
//! refuses until nothing is left unresolved. What is unresolved is read from the room's
//! candidates' folded states and its log, never stored: a manual verification still awaiting the
//! chief, an admitted-by-hand candidate without their 30-minute photo, a violation whose 一平台
//! tick is not set as last edited, a candidate the devices disagree about, no count check.
//!
//! Each item either gets resolved (its cause goes away) or the chief examiner waives that one item
//! with their PIN and a reason ([`EventKind::ClosingWaived`]): the waiver names the item exactly
//! (a student number and the kind, a violation's id), so one waiver never covers another item.
//! Pure functions over events; log order does not matter.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::door::DoorError;
use crate::event::{Event, EventId, EventKind, Hlc};
use crate::fold::CandidateState;
use crate::model::Role;
use crate::room_day::{count_checks, violations_until};

/// A room's candidates: each student number with the state their events fold to.
pub type RoomStates = Vec<(String, CandidateState)>;

/// One thing that keeps a room from closing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ClosingItem {
    /// A manual verification still awaits the chief examiner.
    PendingApproval { student: String },
    /// A candidate whose face recognition did not pass has no 30-minute (count check) photo.
    MissingCountCheckPhoto { student: String },
    /// A violation not ticked as marked on the platform (一平台), as last edited.
    UnmarkedViolation { student: String, violation: EventId },
    /// The devices disagree about the candidate.
    Conflict { student: String },
    /// The room's 30-minute count check was not done.
    CountCheckNotDone,
}

impl ClosingItem {
    /// The candidate the item is about; `None` for the room's own (the count check).
    pub fn student(&self) -> Option<&str> {
        match self {
            ClosingItem::PendingApproval { student }
            | ClosingItem::MissingCountCheckPhoto { student }
            | ClosingItem::UnmarkedViolation { student, .. }
            | ClosingItem::Conflict { student } => Some(student),
            ClosingItem::CountCheckNotDone => None,
        }
    }
}

/// A chief examiner's waiver of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Waiver {
    pub chief: String,
    pub reason: String,
    pub event: EventId,
}

/// An unresolved item, and its waiver when the chief gave one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ClosingEntry {
    pub item: ClosingItem,
    pub waiver: Option<Waiver>,
}

/// Where a room's closing stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// Every unresolved item, waived or not, in a fixed order.
    pub items: Vec<ClosingEntry>,
    /// The close that counts (the earliest by hybrid clock), when the room is closed.
    pub closed: Option<Event>,
}

impl Closing {
    /// How many items are neither resolved nor waived.
    pub fn open_items(&self) -> usize {
        self.items.iter().filter(|e| e.waiver.is_none()).count()
    }
}

/// The room's close that counts: the earliest `RoomClosed` of (site, room) by (hlc, id).
pub fn closed_at<'a>(events: &'a [Event], site: &str, room: &str) -> Option<&'a Event> {
    events
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::RoomClosed { site: s, room: r } if s == site && r == room)
        })
        .min_by_key(|e| (e.hlc, e.id))
}

/// The hybrid clock reading of each closed room's close, by (site, room).
pub fn closes(events: &[Event]) -> BTreeMap<(String, String), Hlc> {
    let mut out: BTreeMap<(String, String), Hlc> = BTreeMap::new();
    for e in events {
        if let EventKind::RoomClosed { site, room } = &e.kind {
            let at = out.entry((site.clone(), room.clone())).or_insert(e.hlc);
            *at = (*at).min(e.hlc);
        }
    }
    out
}

/// What is unresolved in the room whose candidates (student number, folded state) are
/// `candidates`, reading `events` (at least those candidates' events and the room's acts;
/// others are ignored). Waivers are not applied here.
pub fn unresolved(
    site: &str,
    room: &str,
    candidates: &[(String, CandidateState)],
    events: &[Event],
) -> Vec<ClosingItem> {
    let ours: BTreeSet<&str> = candidates.iter().map(|(s, _)| s.as_str()).collect();
    let photographed: BTreeSet<&str> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::CountCheckPhoto { .. }))
        .map(Event::student)
        .collect();
    let mut items = Vec::new();
    for (student, state) in candidates {
        let student = student.clone();
        match state {
            CandidateState::PendingManualVerification => {
                items.push(ClosingItem::PendingApproval {
                    student: student.clone(),
                });
            }
            CandidateState::Conflict { .. } => {
                items.push(ClosingItem::Conflict {
                    student: student.clone(),
                });
            }
            CandidateState::Expected
            | CandidateState::Admitted { .. }
            | CandidateState::Refused { .. }
            | CandidateState::Absent { .. } => {}
        }
        let unrecognised = matches!(
            state,
            CandidateState::PendingManualVerification | CandidateState::Admitted { manual: true }
        );
        if unrecognised && !photographed.contains(student.as_str()) {
            items.push(ClosingItem::MissingCountCheckPhoto { student });
        }
    }
    let cutoff = closed_at(events, site, room).map(|e| e.hlc);
    for v in violations_until(events, |_| cutoff) {
        if ours.contains(v.student.as_str()) && !v.violation.platform_marked {
            items.push(ClosingItem::UnmarkedViolation {
                student: v.student,
                violation: v.id,
            });
        }
    }
    if !count_checks(events).contains_key(&(site.to_string(), room.to_string())) {
        items.push(ClosingItem::CountCheckNotDone);
    }
    items.sort();
    items
}

/// The room's valid waivers by item: a chief examiner's (`is_chief` of the actor), with a reason
/// that says something. The earliest by (hlc, id) counts.
pub fn waivers(
    events: &[Event],
    site: &str,
    room: &str,
    is_chief: impl Fn(&str) -> bool,
) -> BTreeMap<ClosingItem, Waiver> {
    let mut found: Vec<(&Event, &ClosingItem, &String)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ClosingWaived {
                site: s,
                room: r,
                item,
                reason,
            } if s == site && r == room && !reason.trim().is_empty() && is_chief(&e.actor) => {
                Some((e, item, reason))
            }
            _ => None,
        })
        .collect();
    found.sort_by_key(|(e, _, _)| (e.hlc, e.id));
    let mut out = BTreeMap::new();
    for (e, item, reason) in found {
        out.entry(item.clone()).or_insert_with(|| Waiver {
            chief: e.actor.clone(),
            reason: reason.clone(),
            event: e.id,
        });
    }
    out
}

/// Where the room's closing stands: [`unresolved`] with [`waivers`] applied, and the close.
pub fn closing(
    site: &str,
    room: &str,
    candidates: &[(String, CandidateState)],
    events: &[Event],
    is_chief: impl Fn(&str) -> bool,
) -> Closing {
    let mut waived = waivers(events, site, room, is_chief);
    let items = unresolved(site, room, candidates, events)
        .into_iter()
        .map(|item| ClosingEntry {
            waiver: waived.remove(&item),
            item,
        })
        .collect();
    Closing {
        items,
        closed: closed_at(events, site, room).cloned(),
    }
}

/// The event closing the room at exam time `now` by an actor who is (`of_room`) a proctor of the
/// room or the site's chief, or why it may not: not closed yet, at or after `end`, and every item
/// resolved or waived.
pub fn decide_close(
    closing: &Closing,
    site: &str,
    room: &str,
    of_room: bool,
    now: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
) -> Result<EventKind, DoorError> {
    if !of_room {
        return Err(DoorError::NotOfRoom);
    }
    if closing.closed.is_some() {
        return Err(DoorError::RoomClosed);
    }
    if now < end {
        return Err(DoorError::TooEarlyToClose);
    }
    match closing.open_items() {
        0 => Ok(EventKind::RoomClosed {
            site: site.into(),
            room: room.into(),
        }),
        count => Err(DoorError::Unresolved { count }),
    }
}

/// The event waiving `item` by an actor of `role`, or why it may not: only a chief examiner,
/// with a reason, on an item that is unresolved and not yet waived, before the room is closed.
pub fn decide_waiver(
    closing: &Closing,
    site: &str,
    room: &str,
    item: &ClosingItem,
    reason: &str,
    role: Role,
) -> Result<EventKind, DoorError> {
    if role != Role::ChiefExaminer {
        return Err(DoorError::NotChiefExaminer);
    }
    if reason.trim().is_empty() {
        return Err(DoorError::WaiverNeedsReason);
    }
    if closing.closed.is_some() {
        return Err(DoorError::RoomClosed);
    }
    let open = closing
        .items
        .iter()
        .any(|e| &e.item == item && e.waiver.is_none());
    if !open {
        return Err(DoorError::NothingToWaive);
    }
    Ok(EventKind::ClosingWaived {
        site: site.into(),
        room: room.into(),
        item: item.clone(),
        reason: reason.trim().to_string(),
    })
}

#[cfg(test)]
#[path = "closing_tests.rs"]
mod tests;
