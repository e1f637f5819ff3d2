//! What a sitting's log says about each room's day beyond the door, read the same way by the
//! chief examiner's screen and the office's reports: the violations as last edited, each room's
//! latest count check, the proctors who signed in, and the entry photos checked after the exam.
//! Pure functions over events; the order of the log does not matter (the hybrid clock, then the
//! event id, decides "latest").

use std::collections::{BTreeMap, BTreeSet};

use crate::event::{Event, EventId, EventKind, Hlc, Violation};

/// A violation as last edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViolationRecord {
    /// The id of the event that first recorded it: the violation's identity.
    pub id: EventId,
    pub student: String,
    pub violation: Violation,
    /// Who first recorded it, and who made the latest version.
    pub recorded_by: String,
    pub edited_by: String,
    /// How many times it was edited.
    pub edits: usize,
}

/// Every violation of the log, as last edited, ordered by when it was first recorded. An edit
/// that names no violation recorded in the log is ignored, as is one naming another candidate's.
pub fn violations(events: &[Event]) -> Vec<ViolationRecord> {
    violations_until(events, |_| None)
}

/// [`violations`], ignoring every record of a student made after `closed(student)`, the hybrid
/// clock of the close of their room when it is closed ([`crate::closing::closes`]): after the
/// close the record is final, even against an offline device's late edit arriving by sync.
pub fn violations_until(
    events: &[Event],
    closed: impl Fn(&str) -> Option<Hlc>,
) -> Vec<ViolationRecord> {
    type Version<'a> = (&'a Event, &'a Violation);
    let mut firsts: Vec<Version> = Vec::new();
    let mut edits: BTreeMap<EventId, Vec<Version>> = BTreeMap::new();
    for e in events {
        if closed(e.student()).is_some_and(|at| e.hlc > at) {
            continue;
        }
        if let EventKind::ViolationRecorded {
            violation,
            edits: to,
        } = &e.kind
        {
            match to {
                None => firsts.push((e, violation)),
                Some(first) => edits.entry(*first).or_default().push((e, violation)),
            }
        }
    }
    let order = |(e, _): &Version| (e.hlc, e.id);
    firsts.sort_by_key(order);
    firsts.dedup_by_key(|(e, _)| e.id);
    firsts
        .into_iter()
        .map(|(first, original)| {
            let mut versions: Vec<Version> = edits
                .remove(&first.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|(e, _)| e.candidate == first.candidate)
                .collect();
            versions.sort_by_key(order);
            versions.dedup_by_key(|(e, _)| e.id);
            let (last, violation) = versions.last().copied().unwrap_or((first, original));
            ViolationRecord {
                id: first.id,
                student: first.student().to_string(),
                violation: violation.clone(),
                recorded_by: first.actor.clone(),
                edited_by: last.actor.clone(),
                edits: versions.len(),
            }
        })
        .collect()
}

/// A room's count check as last done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountCheck {
    pub platform_count: u32,
    pub real_count: u32,
    pub actor: String,
    pub event: EventId,
}

impl CountCheck {
    /// Real count minus the platform's: positive when more are in the room than signed in.
    pub fn discrepancy(&self) -> i64 {
        i64::from(self.real_count) - i64::from(self.platform_count)
    }
}

/// Each room's latest count check, by (site, room).
pub fn count_checks(events: &[Event]) -> BTreeMap<(String, String), CountCheck> {
    let mut out: BTreeMap<(String, String), (&Event, CountCheck)> = BTreeMap::new();
    for e in events {
        if let EventKind::CountChecked {
            site,
            room,
            platform_count,
            real_count,
        } = &e.kind
        {
            let check = CountCheck {
                platform_count: *platform_count,
                real_count: *real_count,
                actor: e.actor.clone(),
                event: e.id,
            };
            let key = (site.clone(), room.clone());
            let newer = out
                .get(&key)
                .is_none_or(|(seen, _)| (e.hlc, e.id) > (seen.hlc, seen.id));
            if newer {
                out.insert(key, (e, check));
            }
        }
    }
    out.into_iter().map(|(k, (_, c))| (k, c)).collect()
}

/// The staff numbers who signed in at each room, by (site, room).
pub fn proctors_present(events: &[Event]) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for e in events {
        if let EventKind::ProctorSignedIn { site, room, .. } = &e.kind {
            out.entry((site.clone(), room.clone()))
                .or_default()
                .insert(e.actor.clone());
        }
    }
    out
}

/// The students whose entry photo a chief examiner marked checked after the exam (考后核验).
pub fn post_exam_checked(events: &[Event]) -> BTreeSet<String> {
    events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::PostExamChecked) && e.candidate.is_some())
        .map(|e| e.student().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::ViolationCategory;
    use crate::model::StudentNumber;
    use chrono::{FixedOffset, TimeZone};
    use uuid::Uuid;

    fn ev(n: u128, hlc: u64, student: Option<&str>, actor: &str, kind: EventKind) -> Event {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        Event {
            id: EventId(Uuid::from_u128(n)),
            device: Uuid::from_u128(99),
            seq: n as u64,
            wall: tz.timestamp_millis_opt(hlc as i64).unwrap(),
            hlc: Hlc(hlc),
            exam_time: None,
            actor: actor.into(),
            sitting: "2023春 第一次".into(),
            candidate: student.map(|s| StudentNumber::parse(s).unwrap()),
            parents: vec![],
            kind,
            chief_proof: None,
        }
    }

    fn violation(what: &str, marked: bool) -> Violation {
        Violation {
            category: ViolationCategory::Cheating,
            what: what.into(),
            at: FixedOffset::east_opt(8 * 3600)
                .unwrap()
                .with_ymd_and_hms(2023, 4, 15, 10, 5, 0)
                .unwrap(),
            proctors: vec!["J1".into(), "J2".into()],
            platform_marked: marked,
        }
    }

    const A: &str = "2242200000101";
    const B: &str = "2242200000102";

    #[test]
    fn a_violation_reads_as_its_latest_edit_by_hybrid_clock_whatever_the_log_order() {
        let first = ev(
            1,
            10,
            Some(A),
            "J1",
            EventKind::ViolationRecorded {
                violation: violation("夹带", false),
                edits: None,
            },
        );
        let edit = |n, hlc, marked| {
            ev(
                n,
                hlc,
                Some(A),
                "J2",
                EventKind::ViolationRecorded {
                    violation: violation("夹带纸条", marked),
                    edits: Some(EventId(Uuid::from_u128(1))),
                },
            )
        };
        let log = vec![edit(3, 30, true), first, edit(2, 20, false)];
        let got = violations(&log);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].violation.what, "夹带纸条");
        assert!(
            got[0].violation.platform_marked,
            "the latest edit ticked it"
        );
        assert_eq!(
            (got[0].recorded_by.as_str(), got[0].edited_by.as_str()),
            ("J1", "J2")
        );
        assert_eq!(got[0].edits, 2);
    }

    #[test]
    fn an_edit_naming_another_candidates_violation_is_ignored() {
        let first = ev(
            1,
            10,
            Some(A),
            "J1",
            EventKind::ViolationRecorded {
                violation: violation("夹带", false),
                edits: None,
            },
        );
        let hostile = ev(
            2,
            20,
            Some(B),
            "J9",
            EventKind::ViolationRecorded {
                violation: violation("无", true),
                edits: Some(EventId(Uuid::from_u128(1))),
            },
        );
        let got = violations(&[first, hostile]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].violation.what, "夹带");
        assert_eq!(got[0].edits, 0);
    }

    #[test]
    fn a_rooms_latest_count_check_counts_and_its_discrepancy_is_real_minus_platform() {
        let check = |n, hlc, platform, real| {
            ev(
                n,
                hlc,
                None,
                "J1",
                EventKind::CountChecked {
                    site: "甲".into(),
                    room: "01".into(),
                    platform_count: platform,
                    real_count: real,
                },
            )
        };
        let got = count_checks(&[check(2, 20, 27, 28), check(1, 10, 20, 28)]);
        let c = &got[&("甲".to_string(), "01".to_string())];
        assert_eq!((c.platform_count, c.real_count), (27, 28));
        assert_eq!(c.discrepancy(), 1);
    }

    #[test]
    fn post_exam_checked_names_each_marked_candidate_once() {
        let mark = |n, who| ev(n, n as u64, Some(who), "Z1", EventKind::PostExamChecked);
        let admitted = ev(4, 4, Some(B), "J1", EventKind::Admitted);
        let got = post_exam_checked(&[mark(1, A), mark(2, A), admitted]);
        assert_eq!(got.into_iter().collect::<Vec<_>>(), [A]);
    }

    #[test]
    fn proctors_present_are_those_who_signed_in_at_the_room_once_each() {
        let sign = |n, actor| {
            ev(
                n,
                n as u64,
                None,
                actor,
                EventKind::ProctorSignedIn {
                    site: "甲".into(),
                    room: "01".into(),
                    substitute: false,
                },
            )
        };
        let got = proctors_present(&[sign(1, "J1"), sign(2, "J2"), sign(3, "J1")]);
        let here: Vec<&str> = got[&("甲".to_string(), "01".to_string())]
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(here, ["J1", "J2"]);
    }
}
