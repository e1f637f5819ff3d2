//! `examgate photo stamp`, `photo key` and `verify`, run as the real binary on real files.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

fn examgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_examgate"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// A 640×480 camera-like JPEG in `dir`.
fn camera_jpeg(dir: &Path) -> PathBuf {
    let (w, h) = (640usize, 480usize);
    let pixels: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            let (x, y) = (i % w, i / w);
            [
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                ((x + y) % 256) as u8,
            ]
        })
        .collect();
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_quality(90).unwrap();
    let jpeg = c
        .compress_to_vec(turbojpeg::Image {
            pixels: pixels.as_slice(),
            width: w,
            pitch: w * 3,
            height: h,
            format: turbojpeg::PixelFormat::RGB,
        })
        .unwrap();
    let path = dir.join("camera.jpg");
    std::fs::write(&path, jpeg).unwrap();
    path
}

/// `photo stamp` with the room's details, `extra` appended.
fn stamp(input: &Path, out: &Path, key: &Path, extra: &[&str]) -> Output {
    stamp_at("2023-04-15T09:12:33+08:00", input, out, key, extra)
}

fn stamp_at(time: &str, input: &Path, out: &Path, key: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "photo",
        "stamp",
        "--in",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--time",
        time,
        "--site",
        "襄阳电大校本部",
        "--room",
        "03",
        "--address",
        "襄阳市襄城区尹集东街东街66号",
        "--seat",
        "12",
        "--student",
        "2023420100001",
        "--key",
        key.to_str().unwrap(),
    ];
    if Path::new(WQY).exists() {
        args.extend(["--font", WQY]);
    }
    args.extend(extra);
    examgate(&args)
}

fn sidecar(photo: &Path) -> PathBuf {
    let mut name = photo.file_name().unwrap().to_os_string();
    name.push(".sig.json");
    photo.with_file_name(name)
}

/// A stamped, signed photo in a fresh folder: (folder, photo, key file).
fn stamped() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("2023420100001.jpg");
    let key = dir.path().join("device-key.pem");
    let run = stamp(&camera_jpeg(dir.path()), &out, &key, &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    (dir, out, key)
}

#[test]
fn photo_stamp_writes_the_photo_and_its_signature_sidecar() {
    let (_dir, out, key) = stamped();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    let sig: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sidecar(&out)).unwrap()).unwrap();
    assert_eq!(sig["format"], "examgate-photo-signature-v1");
    assert_eq!(sig["metadata"]["student"], "2023420100001");
    assert_eq!(sig["metadata"]["address"], "襄阳市襄城区尹集东街东街66号");
    assert_eq!(sig["metadata"]["time"], "2023-04-15T09:12:33+08:00");

    let printed = examgate(&["photo", "key", "--key", key.to_str().unwrap()]);
    assert!(printed.status.success(), "{}", stderr(&printed));
    assert_eq!(stdout(&printed).trim(), sig["public_key"].as_str().unwrap());
}

#[test]
fn photo_stamp_refuses_an_existing_out_and_leaves_it_untouched() {
    let (dir, out, key) = stamped();
    let before = std::fs::read(&out).unwrap();
    let again = stamp(&camera_jpeg(dir.path()), &out, &key, &["--max-edge", "320"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
}

#[test]
fn photo_stamp_refuses_a_time_that_is_not_rfc3339_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jpg");
    let key = dir.path().join("key.pem");
    let bad = stamp_at(
        "2023-04-15 09:12",
        &camera_jpeg(dir.path()),
        &out,
        &key,
        &[],
    );
    assert!(!bad.status.success());
    let message = stderr(&bad);
    assert!(message.contains("--time"), "{message}");
    assert!(message.contains("RFC 3339"), "{message}");
    assert!(!out.exists());
    assert!(!sidecar(&out).exists());
}

#[test]
fn photo_stamp_refuses_a_text_file_with_its_error_code_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("notes.jpg");
    std::fs::write(&input, "not a photo").unwrap();
    let out = dir.path().join("out.jpg");
    let bad = stamp(&input, &out, &dir.path().join("key.pem"), &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("[not-an-image]"), "{}", stderr(&bad));
    assert!(!out.exists());
}

#[test]
fn photo_stamp_scales_to_max_edge() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("small.jpg");
    let run = stamp(
        &camera_jpeg(dir.path()),
        &out,
        &dir.path().join("key.pem"),
        &["--max-edge", "400"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stdout(&run).contains("400×300"), "{}", stdout(&run));
}

#[test]
fn verify_exits_zero_for_an_authentic_photo_with_its_key_trusted() {
    let (dir, out, key) = stamped();
    let public = stdout(&examgate(&["photo", "key", "--key", key.to_str().unwrap()]));
    let trust = dir.path().join("trusted-keys.txt");
    std::fs::write(&trust, format!("# room 03, door laptop\n{public}")).unwrap();
    let run = examgate(&[
        "verify",
        out.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let line = stdout(&run);
    assert!(
        line.starts_with(&format!("{}: 真实 (authentic)", out.display())),
        "{line}"
    );
    assert!(line.contains("学号 (student) 2023420100001"), "{line}");
    assert!(line.contains("2023-04-15 09:12:33 +08:00"), "{line}");
    assert_eq!(line.lines().count(), 1);
}

/// The public key of the key file `key`, printed by `photo key`.
fn public_of(key: &Path) -> String {
    stdout(&examgate(&["photo", "key", "--key", key.to_str().unwrap()]))
        .trim()
        .to_owned()
}

#[test]
fn verify_without_a_trust_list_never_says_authentic_and_exits_nonzero() {
    // A forger makes a fresh key and signs a photo with it.
    let (_dir, out, _forger_key) = stamped();
    let run = examgate(&["verify", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stdout(&run));
    let line = stdout(&run);
    assert!(
        line.starts_with(&format!(
            "{}: 签名有效，但签名设备不受信任 (signature valid, signer not trusted)",
            out.display()
        )),
        "{line}"
    );
    assert!(line.contains("学号 (student) 2023420100001"), "{line}");
    assert!(line.contains("2023-04-15 09:12:33 +08:00"), "{line}");
    assert!(line.contains("no --trust list given"), "{line}");
}

#[test]
fn verify_refuses_the_forgers_signature_file_as_a_trust_file_naming_the_line() {
    let (_dir, out, _forger_key) = stamped();
    let run = examgate(&[
        "verify",
        out.to_str().unwrap(),
        "--trust",
        sidecar(&out).to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", stdout(&run));
    assert!(stdout(&run).is_empty(), "{}", stdout(&run));
    assert!(
        stderr(&run).contains("line 1 is not a key"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn verify_says_a_photo_copied_to_another_students_number_does_not_match() {
    let (dir, out, key) = stamped();
    let copy = dir.path().join("2023420100002.jpg");
    std::fs::copy(&out, &copy).unwrap();
    std::fs::copy(sidecar(&out), sidecar(&copy)).unwrap();
    let run = examgate(&[
        "verify",
        copy.to_str().unwrap(),
        "--trust",
        &public_of(&key),
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stdout(&run));
    let line = stdout(&run);
    assert!(
        line.contains("file name does not match the signed student"),
        "{line}"
    );
    assert!(line.contains("2023420100001"), "{line}");
}

#[test]
fn verify_says_altered_and_exits_nonzero_after_one_byte_of_the_photo_changes() {
    let (_dir, out, key) = stamped();
    let mut bytes = std::fs::read(&out).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&out, bytes).unwrap();
    let public = stdout(&examgate(&["photo", "key", "--key", key.to_str().unwrap()]));
    let run = examgate(&["verify", out.to_str().unwrap(), "--trust", public.trim()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stdout(&run).starts_with(&format!("{}: 已被改动 (altered)", out.display())),
        "{}",
        stdout(&run)
    );
}

#[test]
fn verify_says_unknown_signer_when_the_trust_list_holds_another_key() {
    let (dir, out, _key) = stamped();
    let other = dir.path().join("other-device.pem");
    let other_public = stdout(&examgate(&[
        "photo",
        "key",
        "--key",
        other.to_str().unwrap(),
    ]));
    let trust = dir.path().join("keys.txt");
    std::fs::write(&trust, &other_public).unwrap();
    let run = examgate(&[
        "verify",
        out.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stdout(&run).starts_with(&format!(
            "{}: 签名有效，但签名设备不受信任 (signature valid, signer not trusted)",
            out.display()
        )),
        "{}",
        stdout(&run)
    );
}

#[test]
fn verify_prints_one_line_per_file_and_fails_if_any_is_not_authentic() {
    let (dir, out, key) = stamped();
    let copy = dir.path().join("2023420100001-2.jpg");
    std::fs::copy(&out, &copy).unwrap();
    let run = examgate(&[
        "verify",
        out.to_str().unwrap(),
        copy.to_str().unwrap(),
        "--trust",
        &public_of(&key),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let text = stdout(&run);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains(": 真实 (authentic)"), "{text}");
    assert!(lines[1].contains(": 无签名文件 (no signature)"), "{text}");
}

#[test]
fn verify_refuses_a_trust_file_without_any_key() {
    let (dir, out, _key) = stamped();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "# nobody yet\n").unwrap();
    let run = examgate(&[
        "verify",
        out.to_str().unwrap(),
        "--trust",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("no key"), "{}", stderr(&run));
}

#[test]
fn photo_key_defaults_to_the_per_user_data_folder_and_keeps_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_examgate"))
            .args(["photo", "key"])
            .env("XDG_DATA_HOME", dir.path())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    let key_file = dir.path().join("examgate").join("device-key.pem");
    assert!(key_file.exists());
    let second = run();
    assert_eq!(stdout(&first), stdout(&second));
    assert_eq!(stdout(&first).trim().len(), 64);
}
