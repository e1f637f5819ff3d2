//! The generated large site is what `examgate bench` imports: it must pass the import's own rules.
#![cfg(test)]
#![allow(clippy::unwrap_used, reason = "a test: a failure is the test failing")]

use examgate_store::{ImportOptions, Store};

#[test]
fn the_ten_thousand_candidate_bench_site_imports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("bench.db")).unwrap();
    let first = examgate_demo::sittings().into_iter().next().unwrap();
    store
        .add_sitting(&first, chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .unwrap();
    let (seating, roster) = examgate_demo::large_site(10_000);
    let report = store
        .import(&[seating, roster], &ImportOptions::default())
        .unwrap();
    assert_eq!(report.files[0].rows, 10_000);
}
