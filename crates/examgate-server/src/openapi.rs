//! The API written down: an OpenAPI document generated (utoipa) from the handlers' annotations
//! and the wire types of `examgate-sync`, served at `/openapi.json` and committed as
//! `crates/examgate-server/openapi.json` (a test fails when the two differ).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{api, catalogue, events, exports, photos};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "examgate site server",
        version = "v1",
        description = "Door devices and the chief examiner's device sync with the site server. \
            HTTPS only, with a self-signed certificate the device pins by its SHA-256 (from its \
            enrollment code). Every error answers `{code, message}`; the status follows from the code."
    ),
    paths(
        api::enroll,
        api::whoami,
        api::time,
        api::clock,
        events::status,
        events::push,
        events::pull,
        catalogue::catalogue,
        catalogue::version,
        catalogue::photo,
        photos::declare,
        photos::head,
        photos::patch,
        photos::get,
        exports::archive
    ),
    modifiers(&DeviceToken)
)]
struct ApiDoc;

/// `Authorization: Bearer <device token>`, the token `POST /v1/enroll` answers.
struct DeviceToken;

impl Modify for DeviceToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document, pretty-printed, ending in a newline.
pub fn openapi_json() -> String {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(json) => json + "\n",
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}
