//! Identifiers people type and misread: the unified social credit code (统一社会信用代码,
//! GB 32100-2015, with the embedded GB 11714 organisation code) and the resident ID number
//! (GB 11643-1999). Each check says exactly what is wrong, down to the expected character.

use crate::error::FieldError;

const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Registration authority (position 1) and the organisation types it may register (position 2).
const AUTHORITIES: &[(char, &str)] = &[
    ('1', "1239"),
    ('2', "19"),
    ('3', "1234579"),
    ('4', "19"),
    ('5', "1239"),
    ('6', "129"),
    ('7', "129"),
    ('8', "19"),
    ('9', "123"),
    ('A', "19"),
    ('N', "1239"),
    ('Y', "1"),
];

/// The GB 11714 check character of an 8-character organisation code body.
pub fn org_code_check(body: &str) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in body.chars().zip(ORG_WEIGHTS) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap(),
    })
}

/// The GB 32100 check character of the first 17 characters.
pub fn uscc_check(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(USCC_WEIGHTS) {
        sum += USCC_CHARS.find(c)? as u32 * w;
    }
    USCC_CHARS.chars().nth(((31 - sum % 31) % 31) as usize)
}

/// Validates and normalises a unified social credit code: trimmed, upper-cased, 18 characters
/// of the GB 32100 set, a known registration authority and type, a 6-digit region, the
/// organisation code's own check character and the final check character.
pub fn uscc(raw: &str, field: &str) -> Result<String, FieldError> {
    let s: String = raw.trim().to_uppercase();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if looks_like_excel_number(&s) {
        return Err(FieldError::new(field, "excel.mangled_number"));
    }
    let n = s.chars().count();
    if n != 18 {
        return Err(FieldError::new(field, "uscc.length").with("length", n));
    }
    if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !USCC_CHARS.contains(*c)) {
        return Err(FieldError::new(field, "uscc.charset").with("position", i + 1).with("char", c.to_string()));
    }
    let chars: Vec<char> = s.chars().collect();
    match AUTHORITIES.iter().find(|(a, _)| *a == chars[0]) {
        None => return Err(FieldError::new(field, "uscc.authority").with("char", chars[0].to_string())),
        Some((_, types)) if !types.contains(chars[1]) => {
            return Err(FieldError::new(field, "uscc.type").with("char", chars[1].to_string()));
        }
        _ => {}
    }
    if !chars[2..8].iter().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(field, "uscc.region"));
    }
    let body: String = chars[8..16].iter().collect();
    let org_expected = org_code_check(&body).ok_or_else(|| FieldError::new(field, "uscc.charset"))?;
    if chars[16] != org_expected {
        return Err(FieldError::new(field, "uscc.org_check").with("expected", org_expected.to_string()).with("got", chars[16].to_string()));
    }
    let first17: String = chars[..17].iter().collect();
    let expected = uscc_check(&first17).expect("charset checked");
    if chars[17] != expected {
        return Err(FieldError::new(field, "uscc.check_char").with("expected", expected.to_string()).with("got", chars[17].to_string()));
    }
    Ok(s)
}

/// "9.13501E+17", "1.38E+10": what a spreadsheet does to a long number typed into a cell.
pub fn looks_like_excel_number(s: &str) -> bool {
    let t = s.trim().to_uppercase();
    t.contains("E+") && t.split("E+").next().is_some_and(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Completes a 17-character prefix into a valid code (demo data and tests), or `None` when the
/// organisation-code check does not hold for the prefix.
pub fn uscc_complete(first17: &str) -> Option<String> {
    Some(format!("{first17}{}", uscc_check(first17)?))
}

/// Builds a valid code from a region and an 8-character organisation code body.
pub fn uscc_for(authority_type: &str, region: &str, org_body: &str) -> Option<String> {
    let org = format!("{org_body}{}", org_code_check(org_body)?);
    if !org.chars().all(|c| USCC_CHARS.contains(c)) {
        return None;
    }
    uscc_complete(&format!("{authority_type}{region}{org}"))
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Validates an 18-character resident ID number (GB 11643-1999): digits, a real birth date,
/// and the ISO 7064 MOD 11-2 check character.
pub fn id_number(raw: &str, field: &str) -> Result<String, FieldError> {
    let s = raw.trim().to_uppercase();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if s.chars().count() != 18 || !s[..17].bytes().all(|b| b.is_ascii_digit()) || !(s.as_bytes()[17].is_ascii_digit() || s.ends_with('X')) {
        return Err(FieldError::new(field, "id_number.format"));
    }
    let birth = format!("{}-{}-{}", &s[6..10], &s[10..12], &s[12..14]);
    if birth.parse::<jiff::civil::Date>().is_err() {
        return Err(FieldError::new(field, "id_number.birth_date"));
    }
    let sum: u32 = s.bytes().take(17).zip(ID_WEIGHTS).map(|(b, w)| (b - b'0') as u32 * w).sum();
    let expected = "10X98765432".as_bytes()[(sum % 11) as usize] as char;
    if s.as_bytes()[17] as char != expected {
        return Err(FieldError::new(field, "id_number.check_char").with("expected", expected.to_string()));
    }
    Ok(s)
}

/// 110105********002X: region and the last four kept.
pub fn mask_id_number(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    if c.len() < 10 {
        return "*".repeat(c.len());
    }
    format!("{}{}{}", c[..6].iter().collect::<String>(), "*".repeat(c.len() - 10), c[c.len() - 4..].iter().collect::<String>())
}

/// 138****5678: the first three and last four kept.
pub fn mask_phone(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    if c.len() <= 7 {
        return "****".into();
    }
    format!("{}****{}", c[..3].iter().collect::<String>(), c[c.len() - 4..].iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_example_is_valid() {
        assert_eq!(uscc("91350100m000100y43", "uscc").unwrap(), "91350100M000100Y43");
        assert_eq!(org_code_check("M000100Y"), Some('4'));
    }

    #[test]
    fn wrong_check_character_says_which_was_expected() {
        let e = uscc("91350100M000100Y44", "uscc").unwrap_err();
        assert_eq!(e.code, "uscc.check_char");
        assert_eq!(e.params["expected"], "3");
        let e = uscc("91350100M000100Y53", "uscc").unwrap_err();
        assert_eq!(e.code, "uscc.org_check");
        assert_eq!(e.params["expected"], "4");
    }

    #[test]
    fn each_kind_of_mistake_has_its_code() {
        let code = |s: &str| uscc(s, "uscc").unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("9135010"), "uscc.length");
        assert_eq!(code("91350100M000100YI3"), "uscc.charset");
        assert_eq!(code("B1350100M000100Y43"), "uscc.authority");
        assert_eq!(code("95350100M000100Y43"), "uscc.type");
        assert_eq!(code("913501A0M000100Y43"), "uscc.region");
        assert_eq!(code("9.13501E+17"), "excel.mangled_number");
    }

    #[test]
    fn generated_codes_validate() {
        for body in ["MA1FL8XB", "00000001", "12345678", "ABCDEFGH"] {
            if let Some(c) = uscc_for("91", "310115", body) {
                assert_eq!(uscc(&c, "x").unwrap(), c);
            }
        }
        assert!(uscc_for("91", "310115", "MA1FL8XB").is_some());
    }

    #[test]
    fn resident_id() {
        assert_eq!(id_number("11010519491231002x", "id").unwrap(), "11010519491231002X");
        assert!(id_number("440524188001010014", "id").is_ok());
        assert_eq!(id_number("110105194912310021", "id").unwrap_err().code, "id_number.check_char");
        assert_eq!(id_number("110105194902300021", "id").unwrap_err().code, "id_number.birth_date");
        assert_eq!(mask_id_number("11010519491231002X"), "110105********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }
}
