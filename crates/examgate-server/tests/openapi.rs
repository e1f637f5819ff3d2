//! The committed OpenAPI document is the one the code generates; `UPDATE_OPENAPI=1 cargo test -p
//! examgate-server --test openapi` rewrites it.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

#[test]
fn the_committed_openapi_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let generated = examgate_server::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/examgate-server/openapi.json is stale: run UPDATE_OPENAPI=1 cargo test -p examgate-server --test openapi"
    );
}
