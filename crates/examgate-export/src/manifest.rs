//! The manifest: one row per photo an event names (written or not), plus one per candidate whose
//! devices are in conflict and who has no photo, as `清单.csv` in UTF-8 with a BOM so Excel opens
//! it as UTF-8, CRLF line ends, quoted by the `csv` crate; the same table is `清单.xlsx`
//! ([`crate::xlsx`]).
//!
//! 设备时钟偏差 is the signing device's clock offset (device minus server, with its error bound)
//! at the site server's measurement nearest the photo's time ([`crate::clock`]): filled when the
//! database is the site server's, empty on a device's own database (a device knows only its own
//! latest offset, not the one at the other devices' syncs). 问题 names each problem of the row
//! ([`crate::problem`]): what kept a photo out, what makes its signature untrustworthy, a
//! conflict; several are joined with `；`. 人脸识别, last so that the columns before it keep their
//! places, is the candidate's face recognition at the door as recorded: 通过, or 未通过 with the
//! proctor's reason.

use crate::problem::Problem;

/// The header row.
pub const COLUMNS: [&str; 17] = [
    "学号",
    "姓名",
    "考场",
    "座位号",
    "照片类型",
    "拍摄时间",
    "设备时钟偏差",
    "监考",
    "主考",
    "决定",
    "决定时间",
    "SHA-256",
    "签名设备",
    "设备号",
    "文件",
    "问题",
    "人脸识别",
];

/// One photo's row, as the store knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub student: String,
    pub name: String,
    pub room: String,
    pub seat: String,
    pub kind: String,
    /// Face recognition at the door as recorded (通过 / 未通过（原因）).
    pub face: String,
    pub stamped: String,
    pub clock_offset: String,
    pub proctor: String,
    pub chief: String,
    pub decision: String,
    pub decided: String,
    pub sha256: String,
    /// The signing device's public key (hex).
    pub signer: String,
    /// The recording device's id.
    pub device: String,
    /// The entry's name in the archive.
    pub file: String,
}

/// The manifest as a table: the header, then each row with its problems, as both files write it.
pub fn manifest_table(rows: &[Row], problems: &[Problem]) -> Vec<Vec<String>> {
    let mut table = vec![COLUMNS.iter().map(ToString::to_string).collect()];
    for r in rows {
        let problem = problems
            .iter()
            .filter(|p| p.concerns(&r.student, &r.sha256))
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("；");
        table.push(vec![
            r.student.clone(),
            r.name.clone(),
            r.room.clone(),
            r.seat.clone(),
            r.kind.clone(),
            r.stamped.clone(),
            r.clock_offset.clone(),
            r.proctor.clone(),
            r.chief.clone(),
            r.decision.clone(),
            r.decided.clone(),
            r.sha256.clone(),
            r.signer.clone(),
            r.device.clone(),
            r.file.clone(),
            problem,
            r.face.clone(),
        ]);
    }
    table
}

/// The manifest's bytes: BOM, header, one row per entry with its problems, if any.
pub fn manifest_csv(rows: &[Row], problems: &[Problem]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        // Writing into a Vec cannot fail.
        for record in manifest_table(rows, problems) {
            let _ = w.write_record(record);
        }
        let _ = w.flush();
    }
    out
}
