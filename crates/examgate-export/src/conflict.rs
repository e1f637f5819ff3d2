//! Candidates whose devices disagree: examgate-core's fold says `Conflict` when two devices
//! recorded outcomes of different kinds (admitted at one, marked absent at the other) without
//! either having seen the other's, until a person settles it. An archive built on such a room
//! would send the province a record the site itself has not decided, so the export refuses it
//! naming the room and the student.

use std::collections::BTreeMap;

use examgate_core::event::{Event, Outcome};
use examgate_core::fold::{CandidateState, fold};

/// A candidate in conflict and the outcomes their devices recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub student: String,
    pub outcomes: Vec<Outcome>,
}

fn label(o: &Outcome) -> &'static str {
    match o {
        Outcome::Admitted { manual: false } => "入场 (admitted)",
        Outcome::Admitted { manual: true } => "人工核验后入场 (admitted after manual verification)",
        Outcome::PendingManualVerification => "待主考决定 (pending)",
        Outcome::Refused { .. } => "拒绝入场 (refused)",
        Outcome::Absent { .. } => "缺考 (absent)",
    }
}

impl Conflict {
    /// The outcomes as the problem names them: `入场 (admitted) / 缺考 (absent)`.
    pub fn outcomes_text(&self) -> String {
        self.outcomes
            .iter()
            .map(label)
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// The candidates of `log` (one sitting's events) whose state is a conflict, by student number.
pub fn conflicts(log: &[Event]) -> Vec<Conflict> {
    let mut by_candidate: BTreeMap<&str, Vec<&Event>> = BTreeMap::new();
    // Room acts name no candidate and never conflict.
    for e in log.iter().filter(|e| e.candidate.is_some()) {
        by_candidate.entry(e.student()).or_default().push(e);
    }
    by_candidate
        .into_iter()
        .filter_map(|(student, events)| match fold(events).state {
            CandidateState::Conflict { outcomes } => Some(Conflict {
                student: student.to_string(),
                outcomes,
            }),
            CandidateState::Expected
            | CandidateState::Admitted { .. }
            | CandidateState::PendingManualVerification
            | CandidateState::Refused { .. }
            | CandidateState::Absent { .. } => None,
        })
        .collect()
}
