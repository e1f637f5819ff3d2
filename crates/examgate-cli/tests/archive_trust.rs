//! The photo archive's trust, on a real device database with real stamped, signed photos: the
//! archive carries each photo's signature and verifies (`examgate verify --archive`) against the
//! keys `examgate export keys` prints; a photo altered inside the ZIP, or signed by a key the
//! site does not trust, is named; an unsigned, badly signed or untrusted photo refuses the
//! export; the XLSX manifest reads back in openpyxl with the CSV's rows and a fixed creation
//! time; hostile ZIPs get a clear error, never a panic. Archives are rewritten and read with
//! Python's `zipfile`, never with the crate that wrote them.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod archive_fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use archive_fixture::{ARCHIVE, SITTING, device, examgate, export, files_in};
use examgate_photo::{DeviceKey, PhotoSignature, sidecar_path, sign};

const PYTHON: &str = "/usr/bin/python3";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn python(script: &str, args: &[&str]) -> Output {
    let out = Command::new(PYTHON)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    out
}

/// `examgate export keys --db <db>` written to `<dir>/keys.txt`.
fn keys(db: &Path, dir: &Path) -> PathBuf {
    let out = examgate(&["export", "keys", "--db", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let path = dir.join("keys.txt");
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn verify(zip: &Path, trust: &Path) -> Output {
    examgate(&[
        "verify",
        "--archive",
        zip.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ])
}

/// The line `verify` printed for `entry`.
fn line<'a>(printed: &'a str, entry: &str) -> &'a str {
    printed
        .lines()
        .find(|l| l.starts_with(&format!("{entry}: ")))
        .unwrap_or_else(|| panic!("no line for {entry}: {printed}"))
}

fn photo(dir: &Path, student: &str) -> PathBuf {
    dir.join("photos")
        .join(SITTING)
        .join(format!("{student}.jpg"))
}

/// Signs `student`'s photo again, same bytes and metadata, with a key of nobody's device.
fn resign_with_a_stranger_key(dir: &Path, student: &str) -> String {
    let path = photo(dir, student);
    let side = sidecar_path(&path);
    let old: PhotoSignature = serde_json::from_slice(&std::fs::read(&side).unwrap()).unwrap();
    let stranger = DeviceKey::load_or_create(&dir.join("stranger.pem")).unwrap();
    let new = sign(&std::fs::read(&path).unwrap(), &old.metadata, &stranger);
    std::fs::write(&side, new.to_json()).unwrap();
    stranger.public_key().to_string()
}

#[test]
fn an_archive_verifies_against_the_keys_export_keys_prints() {
    let dir = tempfile::tempdir().unwrap();
    let (db, students) = device(dir.path());
    let out = dir.path().join("out");
    let run = export(&db, &out, &[]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let trust = keys(&db, dir.path());
    let list = std::fs::read_to_string(&trust).unwrap();
    // A device's database: its own photo key, one line.
    let key = DeviceKey::load(&dir.path().join("device-key.pem"))
        .unwrap()
        .public_key()
        .to_string();
    let keyed: Vec<&str> = list.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(keyed.len(), 1, "{list}");
    assert!(keyed[0].starts_with(&key), "{list}");

    let run = verify(&out.join(ARCHIVE), &trust);
    let printed = text(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{printed}{}", text(&run.stderr));
    for s in &students {
        assert!(
            line(&printed, &format!("{s}.jpg")).contains("真实"),
            "{printed}"
        );
    }
    // A mistyped database path is refused, and no database is made there.
    let typo = dir.path().join("typo.db");
    let run = examgate(&["export", "keys", "--db", typo.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!typo.exists());
    // Without the trust list nothing is authentic.
    let run = examgate(&["verify", "--archive", out.join(ARCHIVE).to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
}

const ALTER: &str = r#"
import sys, zipfile
src, dst, name = sys.argv[1:4]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename == name:
            data = bytearray(data)
            data[-3] ^= 0x55
            data = bytes(data)
        zout.writestr(info, data)
"#;

#[test]
fn a_photo_altered_inside_the_archive_is_named_and_the_others_pass() {
    let dir = tempfile::tempdir().unwrap();
    let (db, students) = device(dir.path());
    let out = dir.path().join("out");
    assert!(export(&db, &out, &[]).status.success());
    let trust = keys(&db, dir.path());
    let altered = dir.path().join("altered.zip");
    let victim = format!("{}.jpg", students[1]);
    python(
        ALTER,
        &[
            out.join(ARCHIVE).to_str().unwrap(),
            altered.to_str().unwrap(),
            &victim,
        ],
    );
    let run = verify(&altered, &trust);
    let printed = text(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{printed}");
    let bad = line(&printed, &victim);
    assert!(bad.contains("已被改动") && bad.contains("SHA-256"), "{bad}");
    for s in [&students[0], &students[2]] {
        assert!(
            line(&printed, &format!("{s}.jpg")).contains("真实"),
            "{printed}"
        );
    }
}

const SPLIT: &str = r#"
import sys, zipfile
src, dst, dropped, unlisted = sys.argv[1:5]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename in (dropped, "签名/" + dropped + ".sig.json"):
            continue
        if info.filename == "清单.csv":
            lines = data.decode("utf-8-sig").split("\r\n")
            lines = [l for l in lines if not l.startswith(unlisted.removesuffix(".jpg") + ",")]
            data = ("\ufeff" + "\r\n".join(lines)).encode()
        zout.writestr(info, data)
"#;

#[test]
fn a_manifest_row_without_its_photo_and_a_photo_without_its_row_are_both_named() {
    let dir = tempfile::tempdir().unwrap();
    let (db, students) = device(dir.path());
    let out = dir.path().join("out");
    assert!(export(&db, &out, &[]).status.success());
    let trust = keys(&db, dir.path());
    let split = dir.path().join("split.zip");
    let (dropped, unlisted) = (
        format!("{}.jpg", students[0]),
        format!("{}.jpg", students[1]),
    );
    python(
        SPLIT,
        &[
            out.join(ARCHIVE).to_str().unwrap(),
            split.to_str().unwrap(),
            &dropped,
            &unlisted,
        ],
    );
    let run = verify(&split, &trust);
    let printed = text(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{printed}");
    assert!(line(&printed, &dropped).contains("归档中没有"), "{printed}");
    let named = line(&printed, &unlisted);
    assert!(
        named.contains("真实") && named.contains("不在清单中"),
        "{named}"
    );
    assert!(line(&printed, &format!("{}.jpg", students[2])).contains("真实"));
}

#[test]
fn a_photo_signed_by_a_key_the_site_does_not_trust_is_refused_at_export_and_named_at_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (db, students) = device(dir.path());
    let stranger = resign_with_a_stranger_key(dir.path(), &students[0]);
    let out = dir.path().join("out");
    let run = export(&db, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = text(&run.stderr);
    assert!(
        err.contains(&students[0]) && err.contains("不受本考点信任") && err.contains(&stranger),
        "{err}"
    );
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));

    // Exported anyway: the photo goes in with its signature, the manifest names the problem,
    // and verify names the photo.
    let run = export(&db, &out, &["--allow-incomplete"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let printed = text(&run.stdout);
    assert!(
        printed.contains("3 张照片") && printed.contains("已收入，但有问题"),
        "{printed}"
    );
    let trust = keys(&db, dir.path());
    let run = verify(&out.join(ARCHIVE), &trust);
    let printed = text(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{printed}");
    let named = line(&printed, &format!("{}.jpg", students[0]));
    assert!(
        named.contains("不受信任") && named.contains("不受本考点信任"),
        "{named}"
    );
    assert!(line(&printed, &format!("{}.jpg", students[1])).contains("真实"));
}

#[test]
fn a_missing_or_invalid_signature_is_refused_naming_the_student() {
    let dir = tempfile::tempdir().unwrap();
    let (db, students) = device(dir.path());
    std::fs::remove_file(sidecar_path(&photo(dir.path(), &students[0]))).unwrap();
    let side = sidecar_path(&photo(dir.path(), &students[1]));
    let forged =
        std::fs::read_to_string(&side)
            .unwrap()
            .replacen("\"room\": \"01\"", "\"room\": \"02\"", 1);
    assert!(forged.contains("\"room\": \"02\""), "{forged}");
    std::fs::write(&side, forged).unwrap();

    let out = dir.path().join("out");
    let run = export(&db, &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = text(&run.stderr);
    let of = |s: &str| {
        err.lines()
            .find(|l| l.contains(s))
            .unwrap_or_default()
            .to_string()
    };
    assert!(of(&students[0]).contains("没有签名文件"), "{err}");
    assert!(of(&students[1]).contains("签名无效"), "{err}");
    assert!(!err.contains(&students[2]), "{err}");
    assert!(files_in(&out).is_empty());
}

const XLSX: &str = r#"
import csv, io, json, sys, zipfile, openpyxl
z = zipfile.ZipFile(sys.argv[1])
rows = list(csv.reader(io.StringIO(z.read("清单.csv").decode("utf-8-sig"), newline="")))
raw = z.read("清单.xlsx")
book = openpyxl.load_workbook(io.BytesIO(raw))
sheet = book.worksheets[0]
cells = [list(r) for r in sheet.iter_rows(values_only=True)]
print(json.dumps({
    "csv": rows,
    "xlsx": [["" if c is None else c for c in r] for r in cells],
    "text": all(isinstance(c, str) for r in cells for c in r if c is not None),
    "sheets": book.sheetnames,
    "created": book.properties.created.isoformat(),
}, ensure_ascii=False))
"#;

#[test]
fn the_xlsx_manifest_reads_back_in_openpyxl_with_the_csv_rows_and_the_sittings_start() {
    let dir = tempfile::tempdir().unwrap();
    let (db, students) = device(dir.path());
    let out = dir.path().join("out");
    assert!(export(&db, &out, &[]).status.success());
    let got = python(XLSX, &[out.join(ARCHIVE).to_str().unwrap()]);
    let got: serde_json::Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(got["xlsx"], got["csv"]);
    assert_eq!(got["csv"].as_array().unwrap().len(), students.len() + 1);
    assert_eq!(got["csv"][0][6], "设备时钟偏差");
    assert_eq!(got["text"], true, "every cell is text");
    assert_eq!(got["sheets"], serde_json::json!(["清单"]));
    // Not the wall clock: the sitting's start, so two runs give the same bytes.
    assert_eq!(got["created"], "2023-04-15T09:00:00");
}

const HOSTILE: &str = r#"
import sys, zipfile, warnings
warnings.simplefilter("ignore")
kind, path = sys.argv[1:3]
manifest = "\ufeff学号,SHA-256,文件,问题\r\n".encode()
with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
    if kind == "traversal":
        z.writestr("../evil.jpg", b"x")
    elif kind == "backslash":
        z.writestr("..\\evil.jpg", b"x")
    elif kind == "duplicate":
        z.writestr("2242200000099.jpg", b"one")
        z.writestr("2242200000099.jpg", b"two")
    elif kind == "bomb":
        info = zipfile.ZipInfo("2242200000099.jpg")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            block = bytes(1 << 20)
            for _ in range(300):
                f.write(block)
    z.writestr("清单.csv", manifest)
"#;

fn hostile(dir: &Path, kind: &str) -> Output {
    let zip = dir.join(format!("{kind}.zip"));
    python(HOSTILE, &[kind, zip.to_str().unwrap()]);
    examgate(&["verify", "--archive", zip.to_str().unwrap()])
}

#[test]
fn hostile_archives_get_a_clear_error_never_a_panic_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    for (kind, expect) in [
        ("traversal", "归档目录之外"),
        ("backslash", "归档目录之外"),
        ("duplicate", "同名"),
    ] {
        let run = hostile(&work, kind);
        let err = text(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{kind}: {err}");
        assert!(err.contains(expect), "{kind}: {err}");
        assert!(!err.contains("panicked"), "{kind}: {err}");
    }
    // A 300 MB entry (deflated to a few hundred KB) is named, never inflated.
    let run = hostile(&work, "bomb");
    let printed = text(&run.stdout);
    assert_eq!(run.status.code(), Some(1), "{printed}{}", text(&run.stderr));
    assert!(
        line(&printed, "2242200000099.jpg").contains("过大"),
        "{printed}"
    );
    // Not a ZIP at all, or not a file.
    let fake = work.join("fake.zip");
    std::fs::write(&fake, "学号,姓名\n").unwrap();
    for path in [&fake, &work] {
        let run = examgate(&["verify", "--archive", path.to_str().unwrap()]);
        assert_eq!(run.status.code(), Some(2));
        let err = text(&run.stderr);
        assert!(err.contains("ZIP") || err.contains("普通文件"), "{err}");
    }
    assert!(!dir.path().join("evil.jpg").exists());
    let mut left = files_in(&work);
    left.sort();
    assert_eq!(
        left,
        [
            "backslash.zip",
            "bomb.zip",
            "duplicate.zip",
            "fake.zip",
            "traversal.zip"
        ]
    );
}
