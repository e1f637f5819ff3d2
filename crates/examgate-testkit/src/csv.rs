//! A seating list as an office's CSV: the nine columns every list has, and cells and lines
//! written the way a spreadsheet writes them.

/// The columns a seating list must have, in the order most offices export them.
pub const SEATING_COLUMNS: [&str; 9] = [
    "学号",
    "姓名",
    "证件类型",
    "证件号码",
    "考点",
    "考点地址",
    "考场",
    "考场地址",
    "座位号",
];

/// [`SEATING_COLUMNS`] as a CSV header line (no line break).
pub const SEATING_HEADER: &str = "学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号";

/// A CSV cell, quoted when it holds a comma, quote or line break.
pub fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The cells joined by commas, as they are (unquoted), ended by CRLF as Excel saves CSV.
pub fn crlf_line(cells: &[impl AsRef<str>]) -> String {
    let mut line = cells
        .iter()
        .map(|c| c.as_ref())
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_line_is_the_columns_joined() {
        assert_eq!(SEATING_HEADER, SEATING_COLUMNS.join(","));
    }

    #[test]
    fn a_cell_is_quoted_only_when_it_must_be() {
        assert_eq!(cell("考生1"), "考生1");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
