//! The words of an invitation or reminder, per language and channel: who asks (the agency),
//! about what (the procedure), and the link. An SMS must fit what the gateway sends: in GSM-7
//! (Vietnamese without diacritics, 160 characters in one segment) or in UCS-2 (with diacritics,
//! 70 characters a segment, 67 when concatenated). A survey link alone (a 43-character token
//! after the address) is longer than one UCS-2 segment, so a UCS-2 message is held to two.
//! Names are shortened, never the link; the budgets hold for public addresses of up to about 35
//! characters (`https://khaosat.angiang.gov.vn` is 30).

use super::language::Lang;
use super::text::ascii_fold;

/// How the SMS gateway encodes messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEncoding {
    /// Without diacritics, one 160-character segment.
    Gsm7,
    /// With diacritics, at most two segments of 67 characters.
    Ucs2,
}

impl SmsEncoding {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "gsm7" => Ok(Self::Gsm7),
            "ucs2" => Ok(Self::Ucs2),
            _ => Err("expected gsm7 (without diacritics) or ucs2 (with diacritics)".into()),
        }
    }

    /// The most characters the message may have.
    pub fn budget(self) -> usize {
        match self {
            Self::Gsm7 => 160,
            Self::Ucs2 => 2 * 67,
        }
    }
}

/// What a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// An invitation to rate a completed dossier (or a reminder of it).
    #[default]
    Invitation,
    /// An agency answered the citizen's follow-up request: the link shows the answer and asks
    /// whether the citizen is satisfied with how it was handled.
    FollowUpAnswer,
}

/// What a message says.
#[derive(Debug, Clone)]
pub struct MessageFacts<'a> {
    pub purpose: Purpose,
    pub lang: Lang,
    /// 0 the invitation, 1.. the reminders.
    pub message: i32,
    pub agency: &'a str,
    pub procedure: &'a str,
    pub survey_url: &'a str,
    pub opt_out_url: &'a str,
}

/// The text of an SMS within the encoding's budget: the agency and procedure names shortened
/// (the procedure first) as far as needed, the link whole. The words are the catalogue's
/// (`sms-*`); without diacritics (GSM-7) they are folded to ASCII, and a language whose script
/// does not fold to Latin letters (Khmer) is sent in Vietnamese: the link still opens the
/// survey in the citizen's language.
pub fn sms(facts: &MessageFacts<'_>, encoding: SmsEncoding) -> String {
    let fold = |s: &str| match encoding {
        SmsEncoding::Gsm7 => gsm7_safe(&ascii_fold(s)),
        SmsEncoding::Ucs2 => s.to_owned(),
    };
    let id = match (facts.purpose, facts.message) {
        (Purpose::FollowUpAnswer, _) => "sms-followup-answer",
        (Purpose::Invitation, 0) => "sms-invitation",
        (Purpose::Invitation, _) => "sms-reminder",
    };
    let words = |lang: Lang, agency: &str, procedure: &str| {
        lang.text_with(
            id,
            &[
                ("agency", agency.into()),
                ("procedure", procedure.into()),
                ("url", facts.survey_url.into()),
            ],
        )
    };
    let lang = match encoding {
        SmsEncoding::Gsm7 if !folds_to_latin(&words(facts.lang, "", "")) => Lang::VI,
        _ => facts.lang,
    };
    let (agency, procedure) = (fold(facts.agency), fold(facts.procedure));
    let render = |agency: &str, procedure: &str| fold(&words(lang, agency, procedure));
    let budget = encoding.budget();
    let length = |s: &str| s.chars().count();
    let mut procedure_keep = length(&procedure);
    let mut agency_keep = length(&agency);
    loop {
        let text = render(
            &shortened(&agency, agency_keep),
            &shortened(&procedure, procedure_keep),
        );
        let over = length(&text).saturating_sub(budget);
        if over == 0 || (procedure_keep == 0 && agency_keep == 0) {
            return text;
        }
        if procedure_keep > 0 {
            procedure_keep = procedure_keep.saturating_sub(over.max(1));
        } else {
            agency_keep = agency_keep.saturating_sub(over.max(1));
        }
    }
}

/// Whether every letter of the text survives folding to ASCII (Vietnamese, English: yes;
/// Khmer: no).
fn folds_to_latin(text: &str) -> bool {
    ascii_fold(text)
        .chars()
        .all(|c| c.is_ascii() || !c.is_alphabetic())
}

/// The link that opens a page in the language: Vietnamese, the default, needs nothing.
pub fn in_language(link: &str, lang: Lang) -> String {
    if lang == Lang::VI {
        link.to_owned()
    } else {
        format!("{link}?lang={}", lang.code())
    }
}

/// The first `keep` characters, with "..." when anything was cut.
fn shortened(s: &str, keep: usize) -> String {
    let count = s.chars().count();
    if keep >= count {
        return s.to_owned();
    }
    let kept: String = s.chars().take(keep.saturating_sub(3)).collect();
    format!("{}...", kept.trim_end())
}

/// Replaces what GSM-7's basic alphabet cannot carry in one septet.
fn gsm7_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " .,:;!?'\"()/-_&%+=<>@#*".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect()
}

/// An e-mail: the subject and the plain-text body (with the opt-out link).
pub fn email(facts: &MessageFacts<'_>) -> (String, String) {
    let (subject, body) = match (facts.purpose, facts.message) {
        (Purpose::FollowUpAnswer, _) => (
            "email-followup-answer-subject",
            "email-followup-answer-body",
        ),
        (Purpose::Invitation, 0) => ("email-invitation-subject", "email-invitation-body"),
        (Purpose::Invitation, _) => ("email-reminder-subject", "email-invitation-body"),
    };
    let args = [
        ("agency", facts.agency.into()),
        ("procedure", facts.procedure.into()),
        ("url", facts.survey_url.into()),
        ("stop", facts.opt_out_url.into()),
    ];
    (
        facts.lang.text_with(subject, &args),
        format!("{}\n", facts.lang.text_with(body, &args)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const URL: &str =
        "https://khaosat.angiang.gov.vn/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";

    fn facts<'a>(agency: &'a str, procedure: &'a str, message: i32) -> MessageFacts<'a> {
        MessageFacts {
            purpose: Purpose::Invitation,
            lang: Lang::VI,
            message,
            agency,
            procedure,
            survey_url: URL,
            opt_out_url: "https://khaosat.angiang.gov.vn/s/x/stop",
        }
    }

    #[test]
    fn a_follow_up_answer_says_so_and_keeps_its_link() {
        let mut facts = facts("UBND xã Óc Eo", "", 0);
        facts.purpose = Purpose::FollowUpAnswer;
        let url = URL;
        let gsm = sms(&facts, SmsEncoding::Gsm7);
        assert!(
            gsm.contains("da tra loi yeu cau ho tro") && gsm.ends_with(url),
            "{gsm}"
        );
        let ucs = sms(&facts, SmsEncoding::Ucs2);
        assert!(
            ucs.contains("đã trả lời yêu cầu hỗ trợ của Ông/Bà"),
            "{ucs}"
        );
        let (subject, body) = email(&facts);
        assert!(subject.contains("đã trả lời") && body.contains(url));
    }

    #[test]
    fn a_gsm7_invitation_fits_one_segment_without_diacritics_and_keeps_its_link() {
        let text = sms(
            &facts("UBND xã Óc Eo", "Đăng ký khai sinh", 0),
            SmsEncoding::Gsm7,
        );
        assert_eq!(
            text,
            format!("UBND xa Oc Eo moi Ong/Ba danh gia ho so \"Dang ky khai sinh\": {URL}")
        );
        let long = sms(
            &facts(
                "Ủy ban nhân dân xã Óc Eo",
                "Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
                1,
            ),
            SmsEncoding::Gsm7,
        );
        assert!(long.chars().count() <= 160, "{long}");
        assert!(long.ends_with(URL), "{long}");
        assert!(long.contains("..."), "the procedure shortened: {long}");
        assert!(long.is_ascii());
    }

    #[test]
    fn a_ucs2_message_keeps_its_diacritics_within_two_segments() {
        let text = sms(&facts("UBND xã Óc Eo", "Khai sinh", 0), SmsEncoding::Ucs2);
        assert!(
            text.contains("mời Ông/Bà đánh giá hồ sơ \"Khai sinh\""),
            "{text}"
        );
        assert!(text.contains("Óc Eo"), "{text}");
        assert!(text.chars().count() <= 134, "{text}");
        assert!(text.ends_with(URL));
    }

    #[test]
    fn an_email_carries_the_link_and_the_way_out() {
        let (subject, body) = email(&facts("UBND xã Óc Eo", "Đăng ký khai sinh", 0));
        assert_eq!(
            subject,
            "UBND xã Óc Eo mời Ông/Bà đánh giá việc giải quyết hồ sơ"
        );
        assert!(body.contains(URL) && body.contains("/stop"));
    }

    #[test]
    fn a_khmer_message_is_khmer_where_the_encoding_carries_it_and_vietnamese_where_not() {
        let mut khmer = facts("UBND xã Óc Eo", "Khai sinh", 0);
        khmer.lang = Lang::parse("km").unwrap();
        let ucs = sms(&khmer, SmsEncoding::Ucs2);
        assert!(ucs.contains("សូមអញ្ជើញ") && ucs.ends_with(URL), "{ucs}");
        assert!(ucs.chars().count() <= 134, "{ucs}");
        let gsm = sms(&khmer, SmsEncoding::Gsm7);
        assert!(
            gsm.contains("moi Ong/Ba danh gia") && gsm.is_ascii(),
            "{gsm}"
        );
        let (subject, body) = email(&khmer);
        assert!(subject.contains("សូមអញ្ជើញ"), "{subject}");
        assert!(body.contains(URL) && body.contains("/stop"), "{body}");
        assert_eq!(
            in_language("https://x/s/t", khmer.lang),
            "https://x/s/t?lang=km"
        );
        assert_eq!(in_language("https://x/s/t", Lang::VI), "https://x/s/t");
    }

    proptest! {
        #[test]
        fn any_names_fit_the_budget_and_the_link_survives(
            agency in "\\PC{0,120}",
            procedure in "\\PC{0,300}",
            message in 0i32..3,
            ucs2 in any::<bool>(),
            language in 0usize..8,
        ) {
            let encoding = if ucs2 { SmsEncoding::Ucs2 } else { SmsEncoding::Gsm7 };
            let languages: Vec<Lang> = Lang::all().collect();
            let mut facts = facts(&agency, &procedure, message);
            facts.lang = languages[language % languages.len()];
            let text = sms(&facts, encoding);
            prop_assert!(text.chars().count() <= encoding.budget(), "{}", text);
            prop_assert!(text.ends_with(URL));
            if encoding == SmsEncoding::Gsm7 {
                prop_assert!(text.is_ascii());
            }
        }
    }
}
