//! Which photos go into the archive and under what names.
//!
//! Every emergency photo an event names goes in: the manual verification's
//! ([`EventKind::ManualVerificationRequested`]) and the 30-minute count check's
//! ([`EventKind::CountCheckPhoto`]), the two kinds the notice asks for. The rule for a candidate with more than one photo:
//! their photos are ordered by kind (manual verification first), then by the hybrid clock of the
//! event that names them (the earliest first; the event id breaks a tie), a photo whose bytes
//! (SHA-256) were already named once is kept once; the first is `<student number>.jpg`, the
//! others `<student number>-2.jpg`, `-3`, … in that order. The hybrid clock orders causally across
//! devices, so two devices' exports of the same synced log name the photos alike.

use examgate_core::event::{Event, EventKind, PhotoRef};

/// The kind of an emergency photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PhotoKind {
    /// The fallback photo of a manual verification at the door (DOMAIN.md step 4).
    ManualVerification,
    /// The photo the 30-minute count check takes of a candidate who did not sign in (step 5).
    CountCheck,
}

impl PhotoKind {
    /// As the manifest writes it.
    pub fn label(self) -> &'static str {
        match self {
            PhotoKind::ManualVerification => "人工核验 (manual verification)",
            PhotoKind::CountCheck => "开考30分钟核对 (30-minute count check)",
        }
    }
}

/// One emergency photo, with the event that names it.
#[derive(Debug, Clone)]
pub struct PhotoRecord {
    pub kind: PhotoKind,
    pub event: Event,
    pub photo: PhotoRef,
}

impl PhotoRecord {
    pub fn student(&self) -> &str {
        self.event.student()
    }
}

/// A photo with its name in the archive.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub record: PhotoRecord,
}

/// The emergency photos named by `events`.
pub fn photo_records(events: &[Event]) -> Vec<PhotoRecord> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ManualVerificationRequested { photo, .. } => Some(PhotoRecord {
                kind: PhotoKind::ManualVerification,
                event: e.clone(),
                photo: photo.clone(),
            }),
            EventKind::CountCheckPhoto { photo } => Some(PhotoRecord {
                kind: PhotoKind::CountCheck,
                event: e.clone(),
                photo: photo.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The archive's entries, by student number then by the rule in the module header.
pub fn name_entries(mut records: Vec<PhotoRecord>) -> Vec<Entry> {
    records.sort_by(|a, b| {
        (a.student(), a.kind, a.event.hlc, a.event.id).cmp(&(
            b.student(),
            b.kind,
            b.event.hlc,
            b.event.id,
        ))
    });
    let mut out: Vec<Entry> = Vec::with_capacity(records.len());
    let mut place = 0;
    for record in records {
        let same_student = out
            .last()
            .is_some_and(|e| e.record.student() == record.student());
        if same_student
            && out
                .iter()
                .rev()
                .take_while(|e| e.record.student() == record.student())
                .any(|e| e.record.photo.sha256 == record.photo.sha256)
        {
            continue;
        }
        place = if same_student { place + 1 } else { 1 };
        let name = if place == 1 {
            format!("{}.jpg", record.student())
        } else {
            format!("{}-{place}.jpg", record.student())
        };
        out.push(Entry { name, record });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use examgate_core::event::{EventId, Hlc};
    use uuid::Uuid;

    fn request(student: &str, hlc: u64, id: u128, sha: &str) -> Event {
        Event {
            id: EventId(Uuid::from_u128(id)),
            device: Uuid::from_u128(9),
            seq: 1,
            wall: chrono::DateTime::parse_from_rfc3339("2023-04-15T09:00:00+08:00").unwrap(),
            hlc: Hlc(hlc),
            exam_time: None,
            actor: "J1".into(),
            sitting: "s".into(),
            candidate: Some(examgate_core::model::StudentNumber::parse(student).unwrap()),
            parents: vec![],
            kind: EventKind::ManualVerificationRequested {
                photo: PhotoRef {
                    sha256: sha.into(),
                    ..PhotoRef::default()
                },
                face: None,
            },
            chief_proof: None,
        }
    }

    fn names(events: &[Event]) -> Vec<(String, String)> {
        name_entries(photo_records(events))
            .into_iter()
            .map(|e| (e.name, e.record.photo.sha256))
            .collect()
    }

    #[test]
    fn the_earliest_photo_by_hybrid_clock_is_the_student_number_and_later_ones_are_numbered() {
        let a = "2242200000101";
        let b = "2242200000102";
        let events = [
            request(a, 30, 1, "late"),
            request(b, 5, 2, "b"),
            request(a, 10, 3, "early"),
            request(a, 20, 4, "middle"),
        ];
        let expected = vec![
            (format!("{a}.jpg"), "early".to_string()),
            (format!("{a}-2.jpg"), "middle".to_string()),
            (format!("{a}-3.jpg"), "late".to_string()),
            (format!("{b}.jpg"), "b".to_string()),
        ];
        assert_eq!(names(&events), expected);
        // The order the events arrive in does not change the names.
        let mut reversed = events.to_vec();
        reversed.reverse();
        assert_eq!(names(&reversed), expected);
    }

    #[test]
    fn the_same_bytes_named_twice_go_in_once() {
        let a = "2242200000101";
        let events = [request(a, 10, 1, "x"), request(a, 20, 2, "x")];
        assert_eq!(names(&events), vec![(format!("{a}.jpg"), "x".to_string())]);
    }
}
