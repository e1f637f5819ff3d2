//! The kinds of identity document the notice accepts, with the names an office file uses for them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A document kind. The serialised form (`resident-id`, …) is what the CLI, the database and the UI
/// exchange; the Chinese label is what people read and what seating lists contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// 居民身份证 (second-generation resident ID card), GB 11643-1999.
    ResidentId,
    /// 港澳台居民居住证: resident-ID form with prefix 810000/820000/830000.
    ResidencePermit,
    /// 港澳居民来往内地通行证: `H`/`M` + 8 digits (+ 2-digit renewal count).
    HkMacauTravelPermit,
    /// 台湾居民来往大陆通行证: 8 digits.
    TaiwanTravelPermit,
    /// 护照: stored as given; ICAO 9303 TD3 MRZ checked when present.
    Passport,
    /// 公安机关出具的身份证明: carries an 18-character citizen number, checked as a resident ID.
    PublicSecurityCertificate,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::ResidentId,
        DocumentKind::ResidencePermit,
        DocumentKind::HkMacauTravelPermit,
        DocumentKind::TaiwanTravelPermit,
        DocumentKind::Passport,
        DocumentKind::PublicSecurityCertificate,
    ];

    /// The stable code used in the database, the CLI and the UI.
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::ResidentId => "resident-id",
            DocumentKind::ResidencePermit => "residence-permit",
            DocumentKind::HkMacauTravelPermit => "hk-macau-travel-permit",
            DocumentKind::TaiwanTravelPermit => "taiwan-travel-permit",
            DocumentKind::Passport => "passport",
            DocumentKind::PublicSecurityCertificate => "public-security-certificate",
        }
    }

    /// The Chinese name as printed on forms.
    pub fn label_zh(self) -> &'static str {
        match self {
            DocumentKind::ResidentId => "居民身份证",
            DocumentKind::ResidencePermit => "港澳台居民居住证",
            DocumentKind::HkMacauTravelPermit => "港澳居民来往内地通行证",
            DocumentKind::TaiwanTravelPermit => "台湾居民来往大陆通行证",
            DocumentKind::Passport => "护照",
            DocumentKind::PublicSecurityCertificate => "公安机关身份证明",
        }
    }

    /// Reads a kind the way offices write it: the code, the Chinese label or a common short form,
    /// or an English name. Spaces and case are ignored.
    pub fn parse(text: &str) -> Option<DocumentKind> {
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        let kind = match t.as_str() {
            "resident-id"
            | "residentid"
            | "id"
            | "idcard"
            | "居民身份证"
            | "身份证"
            | "二代身份证"
            | "第二代居民身份证" => DocumentKind::ResidentId,
            "residence-permit" | "residencepermit" | "港澳台居民居住证" | "居住证" => {
                DocumentKind::ResidencePermit
            }
            "hk-macau-travel-permit"
            | "hkmacautravelpermit"
            | "港澳居民来往内地通行证"
            | "回乡证"
            | "港澳通行证" => DocumentKind::HkMacauTravelPermit,
            "taiwan-travel-permit" | "taiwantravelpermit" | "台湾居民来往大陆通行证" | "台胞证" => {
                DocumentKind::TaiwanTravelPermit
            }
            "passport" | "护照" => DocumentKind::Passport,
            "public-security-certificate"
            | "publicsecuritycertificate"
            | "公安机关身份证明"
            | "公安机关证明"
            | "公安机关出具的身份证明"
            | "户籍证明" => DocumentKind::PublicSecurityCertificate,
            _ => return None,
        };
        Some(kind)
    }
}

impl std::fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_from_its_code_and_its_label() {
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.code()), Some(k));
            assert_eq!(DocumentKind::parse(k.label_zh()), Some(k));
        }
    }

    #[test]
    fn office_short_forms_are_understood() {
        assert_eq!(
            DocumentKind::parse(" 身份证 "),
            Some(DocumentKind::ResidentId)
        );
        assert_eq!(
            DocumentKind::parse("Passport"),
            Some(DocumentKind::Passport)
        );
        assert_eq!(DocumentKind::parse("驾驶证"), None);
    }
}
