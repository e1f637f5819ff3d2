//! The room's acts beyond the door, as the door service offers them: the 30-minute count check
//! and its photo of a candidate, and a violation recorded or edited (a proctor signing in is in
//! [`crate::proctors`]). Each is recorded at the device time (the exam time it was decided at goes
//! into the event) and kicks a sync, like the door's own acts.

use examgate_core::count_check::parse_platform_count;
use examgate_core::event::{Event, EventId, Violation};
use examgate_store::StoreError;

use crate::room_view::{CountCheckView, ViolationView, count_check_view, violations_of};
use crate::{CandidateCard, Door, ErrorCode, IpcError, PhotoBody, PhotoTarget, Result};

/// The room a count-check photo's screen is at: the target must name it.
fn target_room(target: &PhotoTarget) -> Result<(&str, &str)> {
    match (&target.site, &target.room) {
        (Some(site), Some(room)) => Ok((site, room)),
        _ => Err(IpcError::new(
            ErrorCode::BadPhotoRequest,
            "清点照片须注明考场 (a count-check photo names the room)",
        )),
    }
}

impl Door {
    /// The room's count check as the screen shows it, at the exam time now.
    pub fn count_check(&self, sitting: &str, site: &str, room: &str) -> Result<CountCheckView> {
        let store = self.store()?;
        let now = store.exam_time(sitting, self.now_for(&store, sitting)?)?;
        let timeline = store.sitting(sitting)?.timeline()?;
        let cards = store
            .room_candidates(sitting, site, room)?
            .into_iter()
            .map(CandidateCard::from)
            .collect();
        let events = store.sitting_events(sitting)?;
        Ok(count_check_view(
            cards,
            &events,
            (site, room),
            &timeline,
            now,
        ))
    }

    /// The 30-minute count check with the platform's sign-in count as the proctor typed it
    /// (digits, at most the room's candidates); answers with the check's screen.
    pub fn record_count_check(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
        typed: &str,
    ) -> Result<CountCheckView> {
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let room_size =
            u32::try_from(store.room_candidates(sitting, site, room)?.len()).unwrap_or(u32::MAX);
        let done = parse_platform_count(typed, room_size)
            .map_err(StoreError::from)
            .and_then(|count| store.record_count_check(sitting, site, room, actor, count, now));
        drop(store);
        self.kicked(done.map_err(IpcError::from))?;
        self.count_check(sitting, site, room)
    }

    /// A violation of `student` (seated in `room`), or an edit of the one first recorded as
    /// `edits`; answers with the room's violations as last edited.
    #[allow(
        clippy::too_many_arguments,
        reason = "the form's fields and where it was filled"
    )]
    pub fn record_violation(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        student: &str,
        actor: &str,
        violation: Violation,
        edits: Option<EventId>,
    ) -> Result<Vec<ViolationView>> {
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let done = store
            .candidate_in_room(sitting, site, room, student)
            .and_then(|_| store.record_violation(sitting, student, actor, violation, edits, now));
        drop(store);
        self.kicked(done.map_err(IpcError::from))?;
        self.room_violations(sitting, site, room)
    }

    /// The room's violations, each as last edited, in the order first recorded.
    pub fn room_violations(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
    ) -> Result<Vec<ViolationView>> {
        let store = self.store()?;
        let cards: Vec<CandidateCard> = store
            .room_candidates(sitting, site, room)?
            .into_iter()
            .map(CandidateCard::from)
            .collect();
        Ok(violations_of(&cards, &store.sitting_events(sitting)?))
    }

    /// [`Door::take_count_check_photo`] as the screen sends it (see [`Door::take_photo_sent`]),
    /// answering with the room's count-check screen.
    pub fn take_count_check_photo_sent(
        &self,
        header: Option<&str>,
        body: PhotoBody<'_>,
    ) -> Result<CountCheckView> {
        let target = PhotoTarget::from_header(header)?;
        self.take_count_check_photo(&target, &body.bytes()?)?;
        let (site, room) = target_room(&target)?;
        self.count_check(&target.sitting, site, room)
    }

    /// The count check's photo of `target.student` with the proctor at the seat: stamped with the
    /// exam time and the room's address, signed and stored like the manual verification's, and
    /// recorded as its own kind. Only of a candidate admitted to the room the screen is at
    /// (`target.site`, `target.room`), once the check is due. A photo whose event cannot be
    /// recorded does not stay.
    pub fn take_count_check_photo(&self, target: &PhotoTarget, jpeg: &[u8]) -> Result<Event> {
        let sitting = &target.sitting;
        let (site, room) = target_room(target)?;
        let (taken_at, listed) = {
            let store = self.store()?;
            let now = self.now_for(&store, sitting)?;
            let listed = store.candidate_in_room(sitting, site, room, &target.student)?;
            store.count_check_photo_allowed(sitting, &target.student, now)?;
            (store.exam_time(sitting, now)?, listed)
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
