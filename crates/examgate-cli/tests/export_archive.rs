//! `examgate export archive`, run as the real binary on a real device database with real stamped,
//! signed photos taken through the door; the ZIP read back with `unzip -l` and Python's `zipfile`
//! and `csv`, never with the crate that wrote it.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod archive_fixture;

use std::path::Path;
use std::process::Command;

use archive_fixture::{ARCHIVE, SITTING, device, examgate, export, files_in};

/// Python reads the archive: every entry's name, method and CRC (`testzip`), and the manifest.
const PY_CHECK: &str = r#"
import csv, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
infos = z.infolist()
raw = z.read("清单.csv")
rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
print(json.dumps({
    "bad": bad,
    "names": [i.filename for i in infos],
    "stored": all(i.compress_type == zipfile.ZIP_STORED for i in infos),
    "times": [list(t) for t in sorted(set(i.date_time for i in infos))],
    "modes": sorted(set(i.external_attr >> 16 for i in infos)),
    "bom": raw.startswith(b"\xef\xbb\xbf"),
    "crlf": raw.count(b"\r\n") == len(rows),
    "rows": rows,
}, ensure_ascii=False))
"#;

fn python(zip: &Path) -> serde_json::Value {
    let out = Command::new("python3")
        .args(["-c", PY_CHECK, zip.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_archive_holds_each_photo_as_its_student_number_and_the_manifest_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let (db, students) = device(dir.path());
    let out = dir.path().join("out");
    let run = export(&db, &out, &[]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8(run.stdout).unwrap();
    assert!(
        printed.contains(ARCHIVE) && printed.contains("3 张照片"),
        "{printed}"
    );
    assert_eq!(files_in(&out), vec![ARCHIVE.to_string()]);

    let zip = out.join(ARCHIVE);
    let listing = Command::new("unzip").arg("-l").arg(&zip).output().unwrap();
    assert!(listing.status.success());
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    for s in &students {
        assert!(listing.contains(&format!("{s}.jpg")), "{listing}");
    }
    // Three photos, their three signatures, 清单.csv and 清单.xlsx.
    assert!(listing.contains("8 files"), "{listing}");

    let got = python(&zip);
    assert_eq!(got["bad"], serde_json::Value::Null, "a CRC failed");
    assert_eq!(got["stored"], true);
    // Every entry carries the sitting's start (2023-04-15 09:00), never the wall clock, and the
    // same permissions: what makes two runs byte-identical.
    assert_eq!(got["times"], serde_json::json!([[2023, 4, 15, 9, 0, 0]]));
    assert_eq!(got["modes"], serde_json::json!([0o100644]));
    assert_eq!(got["bom"], true);
    assert_eq!(got["crlf"], true);
    let mut expected: Vec<String> = Vec::new();
    let mut sorted = students.clone();
    sorted.sort();
    for s in &sorted {
        expected.push(format!("{s}.jpg"));
        expected.push(format!("签名/{s}.jpg.sig.json"));
    }
    expected.push("清单.csv".into());
    expected.push("清单.xlsx".into());
    assert_eq!(got["names"], serde_json::json!(expected));
    let rows = got["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0][0], "学号");
    assert_eq!(rows[0].as_array().unwrap().len(), 17);
    assert_eq!(rows[0][16], "人脸识别");
    let row = |s: &str| rows.iter().find(|r| r[0] == s).unwrap().clone();
    assert_eq!(row(&students[0])[2], "01");
    assert!(row(&students[0])[9].as_str().unwrap().starts_with("通过"));
    assert!(
        row(&students[1])[9]
            .as_str()
            .unwrap()
            .starts_with("待主考决定")
    );
    assert!(row(&students[2])[9].as_str().unwrap().contains("不是本人"));
    assert_eq!(row(&students[0])[11].as_str().unwrap().len(), 64);
    assert_eq!(row(&students[0])[15], "");
    // Each vouch stated why recognition failed (the fixture: the environment).
    for s in &students {
        assert_eq!(row(s)[16], "未通过（环境原因）");
    }
}

#[test]
fn two_runs_on_the_same_data_give_byte_identical_archives() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = device(dir.path());
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert!(export(&db, &a, &[]).status.success());
    assert!(export(&db, &b, &[]).status.success());
    // The signatures and 清单.xlsx (its creation time fixed to the sitting's start) included.
    let first = std::fs::read(a.join(ARCHIVE)).unwrap();
    let second = std::fs::read(b.join(ARCHIVE)).unwrap();
    assert!(first == second, "the two archives differ");
}

#[test]
fn a_missing_or_altered_photo_is_refused_naming_the_student_and_no_zip_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let (db, students) = device(dir.path());
    let folder = dir.path().join("photos").join(SITTING);
    std::fs::remove_file(folder.join(format!("{}.jpg", students[0]))).unwrap();
    let altered = folder.join(format!("{}.jpg", students[1]));
    let mut bytes = std::fs::read(&altered).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x55;
    std::fs::write(&altered, bytes).unwrap();

    let out = dir.path().join("out");
    let run = export(&db, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8(run.stderr).unwrap();
    assert!(err.contains(&students[0]) && err.contains("缺失"), "{err}");
    assert!(err.contains(&students[1]) && err.contains("改动"), "{err}");
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));

    let run = export(&db, &out, &["--allow-incomplete"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8(run.stdout).unwrap();
    assert!(
        printed.contains("1 张照片") && printed.contains(&students[1]),
        "{printed}"
    );
    assert_eq!(files_in(&out), vec![ARCHIVE.to_string()]);
    let got = python(&out.join(ARCHIVE));
    assert_eq!(got["bad"], serde_json::Value::Null);
    assert_eq!(
        got["names"],
        serde_json::json!([
            format!("{}.jpg", students[2]),
            format!("签名/{}.jpg.sig.json", students[2]),
            "清单.csv",
            "清单.xlsx"
        ])
    );
    let rows = got["rows"].as_array().unwrap();
    let problem = |s: &str| rows.iter().find(|r| r[0] == s).unwrap()[15].clone();
    assert!(problem(&students[0]).as_str().unwrap().contains("缺失"));
    assert!(problem(&students[1]).as_str().unwrap().contains("改动"));
    assert_eq!(problem(&students[2]), "");
}

#[test]
fn a_name_or_site_that_could_make_a_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = device(dir.path());
    let out = dir.path().join("out");
    let run = export(&db, &out, &["--name", "../x"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8(run.stderr).unwrap().contains("路径"));
    let mut args = vec!["export", "archive", "--db", db.to_str().unwrap()];
    args.extend(["--sitting", SITTING, "--site", "../x", "--out"]);
    args.push(out.to_str().unwrap());
    let run = examgate(&args);
    assert_eq!(run.status.code(), Some(2));
    assert!(files_in(&out).is_empty());
    assert!(!dir.path().join("x.zip").exists());
}

#[test]
fn the_export_bench_prints_both_times_the_ratio_and_the_peak_memory() {
    let run = examgate(&[
        "bench", "export", "--photos", "5", "--size", "10000", "--runs", "1",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let printed = String::from_utf8(run.stdout).unwrap();
    for line in [
        "examgate export archive:",
        "zip -0 -q:",
        "target ≤ 0.3×",
        "peak memory",
    ] {
        assert!(printed.contains(line), "{printed}");
    }
}
