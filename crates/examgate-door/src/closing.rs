//! Closing the room, as the door service offers it to the screens: the list of what is
//! unresolved with the candidate's name and seat (so a proctor reads "张三, seat 3, no 30-minute
//! photo", not an id), the close, and the chief examiner's waiver of one item typed at this
//! device with their PIN. Each act is recorded at the device time (the exam time it was decided at
//! goes into the event) and kicks a sync, like the door's own acts.

use examgate_core::closing::{ClosingItem, Waiver};
use examgate_store::AtRoom;
use serde::Serialize;
use ts_rs::TS;

use crate::{Door, IpcError, Result};

/// One unresolved item as the closing screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ClosingLine {
    pub item: ClosingItem,
    /// The candidate's name and seat, for an item about a candidate.
    pub name: Option<String>,
    pub seat: Option<u32>,
    /// The chief's waiver, when given: the item no longer blocks the close.
    pub waiver: Option<Waiver>,
}

/// Where the room's closing stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ClosingView {
    pub lines: Vec<ClosingLine>,
    /// How many items are neither resolved nor waived.
    pub open: u32,
    /// Who closed the room and when (the exam time it was decided at, RFC 3339), once closed.
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
}

impl Door {
    /// The room's unresolved items, each with its waiver, and whether it is closed.
    pub fn room_closing(&self, sitting: &str, site: &str, room: &str) -> Result<ClosingView> {
        let store = self.store()?;
        let closing = store.room_closing(sitting, site, room)?;
        let candidates = store.room_candidates(sitting, site, room)?;
        let open = u32::try_from(closing.open_items()).unwrap_or(u32::MAX);
        let lines = closing
            .items
            .into_iter()
            .map(|entry| {
                let who = entry
                    .item
                    .student()
                    .and_then(|s| candidates.iter().find(|c| c.student_number == s));
                ClosingLine {
                    name: who.map(|c| c.name.clone()),
                    seat: who.map(|c| c.seat),
                    item: entry.item,
                    waiver: entry.waiver,
                }
            })
            .collect();
        Ok(ClosingView {
            lines,
            open,
            closed_by: closing.closed.as_ref().map(|e| e.actor.clone()),
            closed_at: closing
                .closed
                .as_ref()
                .map(|e| e.exam_time.unwrap_or(e.wall).to_rfc3339()),
        })
    }

    /// Who closed the room, once it is closed: read from the room's own acts alone (the screens
    /// that only need to know, such as the violations list, do not work out the whole closing).
    pub fn room_closed_by(&self, sitting: &str, site: &str, room: &str) -> Result<Option<String>> {
        let at = AtRoom {
            sitting,
            site,
            room,
        };
        Ok(self.store()?.room_closed(at)?.map(|e| e.actor))
    }

    /// `actor` closes the room: after the end, with nothing unresolved, once. Answers the
    /// closing as it stands then.
    pub fn close_room(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
    ) -> Result<ClosingView> {
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let done = store.close_room(sitting, site, room, actor, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))?;
        self.room_closing(sitting, site, room)
    }

    /// The chief examiner waives one item of the room's closing with their PIN and a reason.
    /// Answers the closing as it stands then.
    #[allow(
        clippy::too_many_arguments,
        reason = "the room, the chief, the PIN and what is waived"
    )]
    pub fn waive_closing_item(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        chief: &str,
        pin: &str,
        item: &ClosingItem,
        reason: &str,
    ) -> Result<ClosingView> {
        let mut store = self.store()?;
        let now = self.pin_time_for(&store, sitting)?;
        let done = store.waive_with_pin(sitting, site, room, chief, pin, item, reason, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))?;
        self.room_closing(sitting, site, room)
    }
}
