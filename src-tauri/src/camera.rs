//! The camera in the desktop window. WebKitGTK ships with media streams off and, unlike a
//! browser, has no permission prompt of its own: a `getUserMedia` call is denied unless the app
//! turns the feature on and answers the permission request. This answers it narrowly: video
//! only (the fallback photo), never the microphone, never any other permission (geolocation,
//! notifications, …), which keep WebKit's default (denied).
//!
//! On phones the screens use `<input capture>` (the phone's own camera app), which needs none of
//! this; on other desktops the system webview asks the user itself.

use tauri::{Runtime, WebviewWindow};

/// Lets the page in `window` open the camera (video only).
pub fn allow_camera<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    window.with_webview(|webview| {
        use webkit2gtk::glib::prelude::Cast;
        use webkit2gtk::{
            PermissionRequestExt, SettingsExt, UserMediaPermissionRequest,
            UserMediaPermissionRequestExt, WebViewExt,
        };
        let view = webview.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_enable_media_stream(true);
        }
        view.connect_permission_request(|_, request| {
            match request.downcast_ref::<UserMediaPermissionRequest>() {
                Some(media) if media.is_for_video_device() && !media.is_for_audio_device() => {
                    request.allow();
                    true
                }
                // Not handled here: WebKit's default answer, which is to deny.
                _ => false,
            }
        });
    })?;
    #[cfg(not(target_os = "linux"))]
    let _ = window;
    Ok(())
}
