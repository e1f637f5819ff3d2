//! The room's acts beyond the door, as the door service offers them: the 30-minute count check
//! and its photo of a candidate, and a violation recorded or edited (a proctor signing in is in
//! [`crate::proctors`]). Each is recorded at the device time (the exam time it was decided at goes
//! into the event) and kicks a sync, like the door's own acts.

use examgate_core::event::{Event, EventId, Violation};

use crate::photo_request::PhotoTarget;
use crate::{Door, IpcError, Result};

impl Door {
    /// The 30-minute count check with the platform's sign-in count the proctor typed.
    pub fn record_count_check(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
        platform_count: u32,
    ) -> Result<Event> {
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let done = store.record_count_check(sitting, site, room, actor, platform_count, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))
    }

    /// A violation of `student`, or an edit of the one first recorded as `edits`.
    pub fn record_violation(
        &self,
        sitting: &str,
        student: &str,
        actor: &str,
        violation: Violation,
        edits: Option<EventId>,
    ) -> Result<Event> {
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let done = store.record_violation(sitting, student, actor, violation, edits, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))
    }

    /// The count check's photo of `target.student` with the proctor at the seat: stamped with the
    /// exam time and the room's address, signed and stored like the manual verification's, and
    /// recorded as its own kind. A photo whose event cannot be recorded does not stay.
    pub fn take_count_check_photo(&self, target: &PhotoTarget, jpeg: &[u8]) -> Result<Event> {
        let sitting = &target.sitting;
        let (taken_at, listed) = {
            let store = self.store()?;
            let now = self.now_for(&store, sitting)?;
            (
                store.exam_time(sitting, now)?,
                store.candidate(sitting, &target.student)?,
            )
        };
        let stored = self.stamp_and_store(sitting, jpeg, taken_at, &listed)?;
        let photo = stored.photo_ref(target.source);
        let recorded = self.store().and_then(|mut store| {
            let now = self.now_for(&store, sitting)?;
            Ok(store.record_count_check_photo(
                sitting,
                &target.student,
                &target.actor,
                photo,
                now,
            )?)
        });
        if recorded.is_err() {
            stored.discard();
        }
        self.kicked(recorded)
    }
}
