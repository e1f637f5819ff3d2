//! Who may download a photo from the site server (`GET /v1/photos/{sha256}`). The photos are
//! candidates' faces, and photos go only where the rules put them: to the device that uploaded
//! one (it took it), and to the chief examiner of the site of a candidate whose
//! manual-verification request names it, who is shown it before deciding. Every other device is
//! refused with `photo_not_yours`, alike whether the server holds the photo or not, so a proctor's
//! phone can neither pull nor probe other rooms' or other sites' faces.
//!
//! Only a request recorded by a device that uploaded the photo opens it to a chief: any device can
//! record a request naming any hash it has seen, and a chief who names another site's photo in a
//! request of its own must not get it. Such a chief, like the legitimate one before the room's
//! device has uploaded, hears "not held yet" (404, the screen's 照片上传中): the answer never
//! depends on whether another site's photo is on the server.

use examgate_sync::wire::{DeviceInfo, Role};

use crate::api::AppState;
use crate::error::{Result, ServerError};

/// Whether `device` may download the photo `sha256`: `Ok` when it may and the server holds it;
/// [`ServerError::PhotoNotHeld`] for the chief of the photo's site while it is not uploaded yet;
/// [`ServerError::PhotoNotYours`] for everyone else. See the module header.
pub(crate) async fn may_download(
    state: &AppState,
    device: &DeviceInfo,
    sha256: &str,
) -> Result<()> {
    let sha = sha256.to_owned();
    let (held, uploaders) = state
        .photo_db(move |db, dir| Ok((dir.held(&sha).is_some(), db.completed_uploaders(&sha)?)))
        .await?;
    if held && uploaders.contains(&device.device_id) {
        return Ok(());
    }
    if device.role != Role::Chief {
        return Err(ServerError::PhotoNotYours);
    }
    let (sha, site) = (sha256.to_owned(), device.site.clone());
    let recorded_by = state
        .store(move |s| {
            let mut at_site = Vec::new();
            for (by, sitting, student) in s.photo_namers(&sha)? {
                if s.candidate_site(&sitting, &student)?.as_deref() == Some(site.as_str()) {
                    at_site.push(by);
                }
            }
            Ok(at_site)
        })
        .await?;
    if recorded_by.is_empty() {
        Err(ServerError::PhotoNotYours)
    } else if held && recorded_by.iter().any(|by| uploaders.contains(by)) {
        Ok(())
    } else {
        Err(ServerError::PhotoNotHeld)
    }
}
