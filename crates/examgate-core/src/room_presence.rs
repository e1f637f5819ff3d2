//! What one room's log says about its proctors and its timeline: who signed in (first sign-in
//! counts), which of them are substitutes, which substitutes a chief examiner approved, and which
//! timeline steps were ticked. Pure, and the log's order does not matter: the hybrid clock, then
//! the event id, decides "first".
//!
//! An approval counts only for a proctor who signed in at that room as a substitute; a chief's
//! approval of anyone else, or an approval that is not a chief's act, is no approval. (The store
//! refuses to record those, and the server keeps a proctor's device from sending an approval
//! without the chief's PIN proof; this reader holds the rule for whatever log it is given.)

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::event::{Event, EventKind};
use crate::timeline_steps::TimelineStep;

/// A proctor signed in at the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub staff: String,
    pub substitute: bool,
    /// The chief examiner who approved this substitute.
    pub approved_by: Option<String>,
    /// When they first signed in: the exam time the rules read then, else the device time.
    pub at: DateTime<FixedOffset>,
}

/// A timeline step as ticked (the first tick counts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticked {
    pub by: String,
    pub at: DateTime<FixedOffset>,
}

/// The room acts of one room, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomPresence {
    /// By staff number.
    pub signed_in: BTreeMap<String, SignedIn>,
    pub ticked: BTreeMap<TimelineStep, Ticked>,
}

/// The exam time an event was decided at.
fn exam_time(e: &Event) -> DateTime<FixedOffset> {
    e.exam_time.unwrap_or(e.wall)
}

/// Reads the sign-ins, approvals and ticks of `room` at `site` from `events` (any others are
/// ignored). `is_chief` says whether a staff number is a chief examiner of the site.
pub fn room_presence(
    events: &[Event],
    site: &str,
    room: &str,
    is_chief: &dyn Fn(&str) -> bool,
) -> RoomPresence {
    let mut ours: Vec<&Event> = events
        .iter()
        .filter(|e| e.well_formed() && e.kind.room() == Some((site, room)))
        .collect();
    ours.sort_by_key(|e| (e.hlc, e.id));
    let mut out = RoomPresence::default();
    for e in &ours {
        match &e.kind {
            EventKind::ProctorSignedIn { substitute, .. } => {
                out.signed_in
                    .entry(e.actor.clone())
                    .or_insert_with(|| SignedIn {
                        staff: e.actor.clone(),
                        substitute: *substitute,
                        approved_by: None,
                        at: exam_time(e),
                    });
            }
            EventKind::TimelineStepTicked { step, .. } => {
                out.ticked.entry(*step).or_insert_with(|| Ticked {
                    by: e.actor.clone(),
                    at: exam_time(e),
                });
            }
            _ => {}
        }
    }
    for e in &ours {
        if let EventKind::SubstituteApproved { proctor, .. } = &e.kind
            && is_chief(&e.actor)
            && let Some(p) = out.signed_in.get_mut(proctor)
            && p.substitute
            && p.approved_by.is_none()
        {
            p.approved_by = Some(e.actor.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventId, Hlc};
    use uuid::Uuid;

    fn ev(n: u128, actor: &str, room: &str, kind: fn(&str) -> EventKind) -> Event {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        Event {
            id: EventId(Uuid::from_u128(n)),
            device: Uuid::from_u128(99),
            seq: n as u64,
            wall: tz.timestamp_millis_opt(n as i64 * 1000).unwrap(),
            hlc: Hlc(n as u64),
            exam_time: None,
            actor: actor.into(),
            sitting: "2023春 第一次".into(),
            candidate: None,
            parents: vec![],
            kind: kind(room),
            chief_proof: None,
        }
    }
    use chrono::TimeZone;

    fn sign(room: &str) -> EventKind {
        EventKind::ProctorSignedIn {
            site: "甲".into(),
            room: room.into(),
            substitute: false,
        }
    }
    fn sign_sub(room: &str) -> EventKind {
        EventKind::ProctorSignedIn {
            site: "甲".into(),
            room: room.into(),
            substitute: true,
        }
    }
    fn approve_j9(room: &str) -> EventKind {
        EventKind::SubstituteApproved {
            site: "甲".into(),
            room: room.into(),
            proctor: "J9".into(),
        }
    }
    fn tick_notice(room: &str) -> EventKind {
        EventKind::TimelineStepTicked {
            site: "甲".into(),
            room: room.into(),
            step: TimelineStep::Notice,
        }
    }

    fn chief(s: &str) -> bool {
        s.starts_with('Z')
    }

    #[test]
    fn a_substitute_is_approved_only_by_a_chiefs_act_naming_them_at_their_room() {
        let log = vec![
            ev(5, "Z1", "01", approve_j9),
            ev(1, "J1", "01", sign),
            ev(2, "J9", "01", sign_sub),
            ev(3, "J1", "01", approve_j9),
            ev(4, "Z1", "02", approve_j9),
        ];
        let before = room_presence(&log[1..], "甲", "01", &chief);
        assert_eq!(
            before.signed_in["J9"].approved_by, None,
            "a proctor's or another room's"
        );
        let after = room_presence(&log, "甲", "01", &chief);
        assert_eq!(after.signed_in["J9"].approved_by.as_deref(), Some("Z1"));
        assert!(!after.signed_in["J1"].substitute);
    }

    #[test]
    fn signing_in_twice_keeps_the_first_and_another_rooms_acts_are_not_this_rooms() {
        let log = vec![
            ev(2, "J1", "01", sign_sub),
            ev(1, "J1", "01", sign),
            ev(3, "J2", "02", sign),
            ev(4, "J2", "02", tick_notice),
            ev(6, "J1", "01", tick_notice),
        ];
        let p = room_presence(&log, "甲", "01", &chief);
        assert_eq!(p.signed_in.len(), 1);
        assert!(!p.signed_in["J1"].substitute, "the first sign-in counts");
        assert_eq!(p.ticked.len(), 1);
        assert_eq!(p.ticked[&TimelineStep::Notice].by, "J1");
    }
}
