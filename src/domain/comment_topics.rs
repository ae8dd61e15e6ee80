//! The topics of a comment, by documented rules (docs/METHODOLOGY.md, "Comments: topics"):
//! a comment is tagged with every topic one of whose phrases it contains. Phrases are matched
//! on whole words of the comment folded to lower-case ASCII, so "thái độ", "THÁI ĐỘ", the
//! decomposed (NFD) spelling and "thai do" typed without diacritics all match. Praise counts
//! only when no negation ("không", "chưa", "chẳng", "chả") comes just before it. The rules are
//! read when a page is shown, never stored: changing them re-tags every comment.

use super::text::ascii_fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    Waiting,
    Staff,
    Fees,
    Paperwork,
    Online,
    Facilities,
    Praise,
}

impl Topic {
    pub const ALL: [Topic; 7] = [
        Topic::Waiting,
        Topic::Staff,
        Topic::Fees,
        Topic::Paperwork,
        Topic::Online,
        Topic::Facilities,
        Topic::Praise,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Topic::Waiting => "waiting",
            Topic::Staff => "staff",
            Topic::Fees => "fees",
            Topic::Paperwork => "paperwork",
            Topic::Online => "online",
            Topic::Facilities => "facilities",
            Topic::Praise => "praise",
        }
    }

    pub fn parse(code: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The phrases, folded (lower-case ASCII, words separated by one space).
    fn phrases(self) -> &'static [&'static str] {
        match self {
            Topic::Waiting => &[
                "cho lau",
                "cho doi",
                "phai cho",
                "doi lau",
                "xep hang",
                "lay so",
                "mat thoi gian",
                "mat nhieu thoi gian",
                "tre hen",
                "qua han",
                "tre han",
                "cham tre",
                "xu ly cham",
                "giai quyet cham",
                "rat cham",
                "qua cham",
                "cham qua",
                "lau qua",
                "keo dai",
                "hen lai",
                "hen nhieu lan",
                "dung hen",
                "waiting",
                "slow",
            ],
            Topic::Staff => &[
                "thai do",
                "can bo",
                "cong chuc",
                "nhan vien",
                "nhiet tinh",
                "khong nhiet tinh",
                "cau gat",
                "gat gong",
                "hach dich",
                "tho lo",
                "lich su",
                "than thien",
                "huong dan",
                "kho chiu",
                "vo cam",
                "staff",
                "rude",
            ],
            Topic::Fees => &[
                "le phi",
                "phi",
                "chi phi",
                "boi duong",
                "phong bi",
                "lot tay",
                "tien ngoai",
                "thu them",
                "tieu cuc",
                "nhung nhieu",
                "tien tra",
                "dong tien",
                "bribe",
                "fee",
                "fees",
            ],
            Topic::Paperwork => &[
                "giay to",
                "bo sung",
                "nhieu lan",
                "di lai",
                "thu tuc",
                "rom ra",
                "phuc tap",
                "yeu cau them",
                "bieu mau",
                "to khai",
                "cong chung",
                "ban sao",
                "paperwork",
            ],
            Topic::Online => &[
                "truc tuyen",
                "online",
                "dich vu cong",
                "cong dich vu",
                "trang web",
                "website",
                "phan mem",
                "he thong",
                "bi loi",
                "loi he thong",
                "dang nhap",
                "vneid",
                "ung dung",
                "tai khoan",
                "chu ky so",
                "thanh toan truc tuyen",
                "mang yeu",
            ],
            Topic::Facilities => &[
                "co so vat chat",
                "thieu ghe",
                "cho ngoi",
                "ghe ngoi",
                "nha ve sinh",
                "bai xe",
                "gui xe",
                "cho de xe",
                "may lanh",
                "dieu hoa",
                "quat tran",
                "thieu quat",
                "nong buc",
                "chat hep",
                "phong cho",
                "nuoc uong",
                "may lay so",
                "wifi",
                "parking",
            ],
            Topic::Praise => &[
                "cam on",
                "tot",
                "rat tot",
                "hai long",
                "nhanh chong",
                "chu dao",
                "tan tinh",
                "tan tam",
                "tuyet voi",
                "chuyen nghiep",
                "thank",
                "thanks",
                "great",
            ],
        }
    }
}

/// Words that turn praise into its opposite when they come right before it.
const NEGATIONS: [&str; 5] = ["khong", "chua", "chang", "cha", "not"];

/// The comment as its words, folded: lower-case ASCII, split on anything not a letter or digit.
fn words(comment: &str) -> Vec<String> {
    ascii_fold(comment)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Where `phrase` starts among `words`, every time it occurs.
fn occurrences<'a>(words: &'a [String], phrase: &'a str) -> impl Iterator<Item = usize> + 'a {
    let parts: Vec<&str> = phrase.split(' ').collect();
    (0..words.len().saturating_sub(parts.len() - 1))
        .filter(move |&i| parts.iter().enumerate().all(|(j, p)| words[i + j] == *p))
}

/// Every topic the comment is about, in `Topic::ALL`'s order.
pub fn topics_of(comment: &str) -> Vec<Topic> {
    let words = words(comment);
    Topic::ALL
        .into_iter()
        .filter(|topic| {
            topic.phrases().iter().any(|phrase| {
                occurrences(&words, phrase).any(|at| {
                    *topic != Topic::Praise
                        || !words[at.saturating_sub(2)..at]
                            .iter()
                            .any(|w| NEGATIONS.contains(&w.as_str()))
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn vietnamese_comments_get_their_topics() {
        let cases: [(&str, &[Topic]); 8] = [
            ("Phải chờ đợi quá lâu, xếp hàng từ sáng", &[Topic::Waiting]),
            ("Thái độ cán bộ cáu gắt", &[Topic::Staff]),
            ("Bị đòi tiền bồi dưỡng ngoài lệ phí", &[Topic::Fees]),
            (
                "Yêu cầu bổ sung giấy tờ nhiều lần, đi lại mất công",
                &[Topic::Paperwork],
            ),
            (
                "Cổng dịch vụ công bị lỗi, không đăng nhập được",
                &[Topic::Online],
            ),
            ("Thiếu ghế ngồi, nhà vệ sinh bẩn", &[Topic::Facilities]),
            ("Cảm ơn, rất hài lòng", &[Topic::Praise]),
            ("Không có ý kiến", &[]),
        ];
        for (comment, expected) in cases {
            assert_eq!(topics_of(comment), expected, "{comment}");
        }
    }

    #[test]
    fn spelling_does_not_change_the_topics() {
        let composed = "Cán bộ hướng dẫn tận tình, cảm ơn";
        let decomposed: String = composed.nfd().collect();
        let plain = "can bo huong dan tan tinh, cam on";
        let shouted = "CÁN BỘ HƯỚNG DẪN TẬN TÌNH, CẢM ƠN";
        let expected = vec![Topic::Staff, Topic::Praise];
        for text in [composed, decomposed.as_str(), plain, shouted] {
            assert_eq!(topics_of(text), expected, "{text}");
        }
    }

    #[test]
    fn negated_praise_is_no_praise() {
        assert!(!topics_of("Không hài lòng với cách làm việc").contains(&Topic::Praise));
        assert!(!topics_of("Chưa tốt").contains(&Topic::Praise));
        assert!(topics_of("Rất tốt").contains(&Topic::Praise));
    }

    #[test]
    fn phrases_match_whole_words_only() {
        // "phi" is a word of its own in "lệ phí", never a piece of "phiếu".
        assert!(!topics_of("Đã nhận phiếu hẹn").contains(&Topic::Fees));
        assert!(topics_of("Lệ phí cao").contains(&Topic::Fees));
    }

    #[test]
    fn every_topic_has_a_code_that_parses_back() {
        for topic in Topic::ALL {
            assert_eq!(Topic::parse(topic.code()), Some(topic));
        }
        assert_eq!(Topic::parse("gossip"), None);
    }
}
