//! Masking whatever in a message looks like an identity-document number, wherever it came from.
//!
//! An import error quotes cells, and an office puts ID numbers in the wrong column (学号, 座位号,
//! 证件类型) or sends a file without a header row. Masking only the 证件号码 column's value is
//! therefore not enough: every message that quotes a cell goes through [`mask_id_like`], which
//! looks at the shape of each run of letters and digits, not at the column it came from.

use super::mask;

/// `text` with every ID-shaped token masked by [`mask`] (first 6 / last 4 kept for long ones).
///
/// A token is a maximal run of ASCII (or full-width) letters and digits. It is ID-shaped when:
/// * it holds a run of 15 or more digits (resident ID and residence permit, old 15-digit IDs,
///   bank cards, an ID with its `X`), or
/// * it is 8–12 digits alone (Taiwan permit, the digits of a Hong Kong/Macau permit, a phone
///   number), or
/// * it is one or two letters then 7–10 digits (Hong Kong/Macau permit `H12345678`, passports
///   `E12345678`, `EA1234567`).
///
/// An ID number typed in groups (`110105 1949 1231 002X`, `110105-19491231-002X`) is masked too:
/// groups of 3 to 8 digits joined by single spaces or hyphens that make 15 or 18 digits (or 17
/// and an `X`).
///
/// The 13-digit student number is not personal and stays whole: errors about it must name it.
pub fn mask_id_like(text: &str) -> String {
    let text = mask_grouped_ids(text);
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    for c in text.chars() {
        if is_token_char(c) {
            token.push(c);
        } else {
            flush(&mut out, &mut token);
            out.push(c);
        }
    }
    flush(&mut out, &mut token);
    out
}

/// The digits in one group of an ID number typed in groups (`002` of `002X` to `19491231`); a
/// list of seat numbers (`2 3 … 14`) has shorter ones.
const GROUP_DIGITS: std::ops::RangeInclusive<usize> = 3..=8;

/// Masks ID numbers typed in groups (see [`mask_id_like`]); the separators stay.
fn mask_grouped_ids(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_token = is_digit(chars[i]) && (i == 0 || !is_token_char(chars[i - 1]));
        match starts_token.then(|| grouped_id_at(&chars, i)).flatten() {
            Some(positions) => {
                let masked: Vec<char> =
                    mask(&positions.iter().map(|&p| chars[p]).collect::<String>())
                        .chars()
                        .collect();
                for (&p, c) in positions.iter().zip(masked) {
                    chars[p] = c;
                }
                i = positions.last().map_or(i, |&p| p) + 1;
            }
            None => i += 1,
        }
    }
    chars.into_iter().collect()
}

/// The positions of the digits (and `X`) of an ID number typed in two or more groups starting
/// at `start`, if one is there.
fn grouped_id_at(chars: &[char], start: usize) -> Option<Vec<usize>> {
    let mut positions = Vec::new();
    let mut groups = 0;
    let mut j = start;
    loop {
        let group = j;
        while j < chars.len() && is_digit(chars[j]) {
            j += 1;
        }
        if !GROUP_DIGITS.contains(&(j - group)) || positions.len() + (j - group) > 18 {
            return None;
        }
        positions.extend(group..j);
        groups += 1;
        let joined = matches!(chars.get(j), Some(' ' | '-'))
            && chars.get(j + 1).is_some_and(|c| is_digit(*c));
        if !joined {
            break;
        }
        j += 1;
    }
    if positions.len() == 17 && matches!(chars.get(j), Some('X' | 'x' | 'Ｘ' | 'ｘ')) {
        positions.push(j);
        j += 1;
    }
    let ends_token = chars.get(j).is_none_or(|c| !is_token_char(*c));
    (groups >= 2 && ends_token && matches!(positions.len(), 15 | 18)).then_some(positions)
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '０'..='９')
}

fn flush(out: &mut String, token: &mut String) {
    if id_shaped(token) {
        out.push_str(&mask(token));
    } else {
        out.push_str(token);
    }
    token.clear();
}

fn id_shaped(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    let longest_digit_run = chars
        .split(|c| !is_digit(*c))
        .map(<[char]>::len)
        .max()
        .unwrap_or(0);
    if longest_digit_run >= 15 {
        return true;
    }
    let letters = chars.iter().take_while(|c| !is_digit(**c)).count();
    let digits = chars.len() - letters;
    let rest_digits = chars
        .get(letters..)
        .is_some_and(|r| r.iter().all(|c| is_digit(*c)));
    rest_digits
        && match letters {
            0 => (8..=12).contains(&digits),
            1 | 2 => (7..=10).contains(&digits),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_anywhere_in_a_message_is_masked() {
        assert_eq!(
            mask_id_like("学号须为 13 位数字：“11010519491231002X”"),
            "学号须为 13 位数字：“110105********002X”"
        );
        assert_eq!(mask_id_like("x110105194912310021y"), "x11010**********021y");
        assert_eq!(
            mask_id_like("１１０１０５１９４９１２３１００２Ｘ"),
            "１１０１０５********００２Ｘ"
        );
    }

    #[test]
    fn an_id_number_typed_in_groups_is_masked() {
        assert_eq!(
            mask_id_like("证件号 110105 1949 1231 002X 无效"),
            "证件号 110105 **** **** 002X 无效"
        );
        assert_eq!(mask_id_like("110105-19491231-0021"), "110105-********-0021");
        assert_eq!(mask_id_like("110105 491231 002"), "110105 *****1 002");
    }

    #[test]
    fn dates_and_student_numbers_in_groups_stay_as_they_are() {
        for text in [
            "2023-04-15 09:12:33",
            "学号 2023123456789 2023123456790 重复",
            "2023123456789 31",
            "座位 2 3 4 5 6 7 8 9 10 11 12 13 14 空",
        ] {
            assert_eq!(mask_id_like(text), text);
        }
    }

    #[test]
    fn permit_and_passport_shapes_are_masked() {
        assert_eq!(mask_id_like("H12345678"), "*****5678");
        assert_eq!(mask_id_like("EA1234567"), "*****4567");
        assert_eq!(mask_id_like("12345678"), "****5678");
    }

    #[test]
    fn student_numbers_seats_and_masked_numbers_stay_as_they_are() {
        for text in [
            "学号 2023123456789 重复",
            "座位号 31 超出",
            "110105********002X",
            "room 01, 30 seats, 2023春 第一次",
            "file.csv:12",
        ] {
            assert_eq!(mask_id_like(text), text);
        }
    }

    proptest::proptest! {
        /// An 18-character ID number never survives whole, whatever surrounds it.
        #[test]
        fn an_id_number_never_survives_whole(
            before in "\\PC{0,12}",
            id in "[0-9]{17}[0-9Xx]",
            after in "\\PC{0,12}",
        ) {
            let masked = mask_id_like(&format!("{before}{id}{after}"));
            proptest::prop_assert!(!masked.contains(&id), "{}", masked);
        }
    }
}
