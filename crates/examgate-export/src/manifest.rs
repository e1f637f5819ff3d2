//! The manifest `清单.csv`: one row per photo an event names (written or not), in UTF-8 with a
//! BOM so Excel opens it as UTF-8, CRLF line ends, quoted by the `csv` crate.
//!
//! The column 设备时钟偏差 (the signing device's clock offset at its nearest sync) is left empty
//! in this version: a device's own database does not hold its offset (the site server's device
//! table does, and the server's export will fill it). 问题 names what kept a photo out of the
//! archive under `--allow-incomplete`.

use crate::archive::Problem;

/// The header row.
pub const COLUMNS: [&str; 16] = [
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
];

/// One photo's row, as the store knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub student: String,
    pub name: String,
    pub room: String,
    pub seat: String,
    pub kind: String,
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

/// The manifest's bytes: BOM, header, one row per entry with its problem, if any.
pub fn manifest_csv(rows: &[Row], problems: &[Problem]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        // Writing into a Vec cannot fail.
        let _ = w.write_record(COLUMNS);
        for r in rows {
            let problem = problems
                .iter()
                .find(|p| p.student == r.student && p.sha256 == r.sha256)
                .map(ToString::to_string)
                .unwrap_or_default();
            let _ = w.write_record([
                &r.student,
                &r.name,
                &r.room,
                &r.seat,
                &r.kind,
                &r.stamped,
                &r.clock_offset,
                &r.proctor,
                &r.chief,
                &r.decision,
                &r.decided,
                &r.sha256,
                &r.signer,
                &r.device,
                &r.file,
                &problem,
            ]);
        }
        let _ = w.flush();
    }
    out
}
