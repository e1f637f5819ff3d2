//! What the room's count-check and violations screens show, composed from the room's cards and
//! the sitting's log: the 30-minute check as last done with its comparison against who is
//! admitted now (examgate-core `count_check`), and each violation as last edited with the
//! candidate's name and seat. The chief examiner's overview shows the same per room.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use examgate_core::closing;
use examgate_core::count_check::{self, AdmittedEntry, Banner, Comparison};
use examgate_core::event::{Event, EventId, EventKind, Violation};
use examgate_core::fold::CandidateState;
use examgate_core::room_day;
use examgate_core::timeline::Timeline;
use serde::Serialize;
use ts_rs::TS;

use crate::CandidateCard;

/// A count check as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CountCheckDone {
    pub platform_count: u32,
    /// The candidates admitted when it was done.
    pub real_count: u32,
    /// Real minus platform, as recorded.
    pub difference: i64,
    /// 工号 of who did it.
    pub actor: String,
    /// When, by the exam time it was recorded at (RFC 3339).
    pub at: String,
}

/// One admitted candidate on the count-check screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CountCheckRow {
    pub card: CandidateCard,
    /// A 30-minute check photo of them is recorded.
    pub photographed: bool,
}

/// The room's count check: the banner, the latest check, and its comparison with who is
/// admitted now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CountCheckView {
    pub banner: Banner,
    /// T+30 has passed by the exam clock: the check may be done.
    pub due: bool,
    pub latest: Option<CountCheckDone>,
    /// The latest platform count against the candidates admitted now.
    pub comparison: Option<Comparison>,
    /// Every admitted candidate, by seat.
    pub admitted: Vec<CountCheckRow>,
}

/// A violation as last edited, with whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ViolationView {
    /// The first record's event: what an edit names.
    pub id: EventId,
    pub student: String,
    pub name: String,
    pub room: String,
    pub seat: u32,
    pub violation: Violation,
    pub recorded_by: String,
    pub edited_by: String,
    pub edits: u32,
}

fn photographed(events: &[Event]) -> std::collections::BTreeSet<&str> {
    events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::CountCheckPhoto { .. }))
        .map(Event::student)
        .collect()
}

/// The latest check of (site, room) in `events`, as recorded.
pub(crate) fn latest_check(events: &[Event], site: &str, room: &str) -> Option<CountCheckDone> {
    let checks = room_day::count_checks(events);
    let c = checks.get(&(site.to_owned(), room.to_owned()))?;
    let at = events
        .iter()
        .find(|e| e.id == c.event)
        .map(|e| e.exam_time.unwrap_or(e.wall).to_rfc3339())
        .unwrap_or_default();
    Some(CountCheckDone {
        platform_count: c.platform_count,
        real_count: c.real_count,
        difference: c.discrepancy(),
        actor: c.actor.clone(),
        at,
    })
}

/// The count-check screen of one room: `cards` are its candidates (by seat), `events` the
/// sitting's log, `now` the exam time.
pub(crate) fn count_check_view(
    cards: Vec<CandidateCard>,
    events: &[Event],
    (site, room): (&str, &str),
    timeline: &Timeline,
    now: DateTime<FixedOffset>,
) -> CountCheckView {
    let shot = photographed(events);
    let admitted: Vec<CountCheckRow> = cards
        .into_iter()
        .filter(|c| matches!(c.state, CandidateState::Admitted { .. }))
        .map(|card| CountCheckRow {
            photographed: shot.contains(card.student_number.as_str()),
            card,
        })
        .collect();
    let entries: Vec<AdmittedEntry> = admitted
        .iter()
        .map(|r| AdmittedEntry {
            student: r.card.student_number.clone(),
            face_passed: r.card.face.passed(),
            photographed: r.photographed,
        })
        .collect();
    let latest = latest_check(events, site, room);
    let comparison = latest
        .as_ref()
        .map(|l| count_check::compare(l.platform_count, &entries));
    let banner = count_check::banner(
        timeline,
        now,
        latest
            .as_ref()
            .zip(comparison.as_ref())
            .map(|(l, c)| (l.real_count, c)),
    );
    CountCheckView {
        banner,
        due: count_check::due(timeline, now),
        latest,
        comparison,
        admitted,
    }
}

/// The violations of the candidates in `cards`, as last edited, in the order first recorded.
pub(crate) fn violations_of(cards: &[CandidateCard], events: &[Event]) -> Vec<ViolationView> {
    let by_student: BTreeMap<&str, &CandidateCard> = cards
        .iter()
        .map(|c| (c.student_number.as_str(), c))
        .collect();
    // After a room's close its violations are final: a later record (an offline device's edit
    // arriving by sync) is not shown.
    let closes = closing::closes(events);
    let closed = |student: &str| {
        let card = by_student.get(student)?;
        closes.get(&(card.site.clone(), card.room.clone())).copied()
    };
    room_day::violations_until(events, closed)
        .into_iter()
        .filter_map(|v| {
            let card = by_student.get(v.student.as_str())?;
            Some(ViolationView {
                id: v.id,
                name: card.name.clone(),
                room: card.room.clone(),
                seat: card.seat,
                student: v.student,
                violation: v.violation,
                recorded_by: v.recorded_by,
                edited_by: v.edited_by,
                edits: u32::try_from(v.edits).unwrap_or(u32::MAX),
            })
        })
        .collect()
}
