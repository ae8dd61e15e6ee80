//! The province's integrity page: flagged responses per agency and quarter, by rule.

use maud::{html, Markup};

use super::dashboard::period_picker;
use super::i18n::Lang;
use super::layout::Width;
use super::staff::{staff_page, Frame};
use crate::domain::integrity::{Flag, Thresholds};

pub struct IntegrityPage<'a> {
    pub period: &'a str,
    pub periods: &'a [String],
    /// (agency name, responses, flagged per rule in `Flag::ALL` order)
    pub agencies: Vec<(String, u64, Vec<u64>)>,
    pub thresholds: Thresholds,
    pub min_cell: u64,
}

fn flag_name(lang: Lang, flag: Flag) -> &'static str {
    match flag {
        Flag::Burst => lang.pick("Dồn dập tại máy", "Kiosk burst"),
        Flag::TooFast => lang.pick("Trả lời quá nhanh", "Too fast"),
        Flag::StraightLine => lang.pick("Chọn một mức cho mọi câu", "Straight-lining"),
        Flag::OneAddress => lang.pick("Nhiều phiếu từ một địa chỉ", "One address"),
    }
}

fn rule_text(lang: Lang, flag: Flag, t: &Thresholds) -> String {
    let (value, off) = match flag {
        Flag::Burst => (t.kiosk_slack, t.kiosk_slack == 0),
        Flag::TooFast => (t.seconds_per_answer, t.seconds_per_answer == 0),
        Flag::StraightLine => (t.straight_line_items, t.straight_line_items == 0),
        Flag::OneAddress => (t.answers_per_address, t.answers_per_address == 0),
    };
    if off {
        return lang.pick("tắt", "off").to_owned();
    }
    match (flag, lang) {
        (Flag::Burst, Lang::VI) => format!("một máy nhận nhiều hơn số hồ sơ cơ quan trả kết quả trong giờ đó và giờ trước, cộng {value}"),
        (Flag::Burst, _) => format!("a kiosk takes more answers in an hour than its agency completed dossiers in that hour and the one before, plus {value}"),
        (Flag::TooFast, Lang::VI) => format!("gửi sớm hơn {value} giây cho mỗi câu trả lời kể từ khi mở phiếu"),
        (Flag::TooFast, _) => format!("sent sooner than {value} s per answer after the form was shown"),
        (Flag::StraightLine, Lang::VI) => format!("từ {value} câu chấm điểm trở lên, mọi câu cùng một mức"),
        (Flag::StraightLine, _) => format!("{value} or more rated questions, every one the same"),
        (Flag::OneAddress, Lang::VI) => format!("quá {value} phiếu qua đường dẫn từ một địa chỉ mạng trong một ngày"),
        (Flag::OneAddress, _) => format!("over {value} link answers from one network address in a day"),
    }
}

fn count(lang: Lang, n: u64, min_cell: u64) -> Markup {
    html! {
        @if n == 0 { "0" } @else if n < min_cell { (lang.pick("< ", "< ")) (min_cell) } @else { (n) }
    }
}

pub fn integrity_page(frame: &Frame<'_>, d: &IntegrityPage<'_>) -> Markup {
    let lang = frame.lang;
    let title = lang.pick("Tính xác thực của phiếu", "Integrity of responses");
    let body = html! {
        h1 { (title) " · " (d.period) }
        (period_picker(lang, "/dashboard/integrity", d.period, d.periods, html! {}))
        p { (lang.pick(
            "Phiếu bị đánh dấu theo các quy tắc dưới đây không được đưa vào số liệu phân tích (bảng điều khiển, tệp xuất) và được đếm ở đây. Dấu chỉ ghi quy tắc, không ghi người trả lời hay thời điểm.",
            "Responses flagged by the rules below are left out of the analysis (dashboards, exports) and counted here. A flag names the rule only: never the respondent, never a time.")) }
        ul { @for flag in Flag::ALL { li { strong { (flag_name(lang, *flag)) } ": " (rule_text(lang, *flag, &d.thresholds)) } } }
        @if d.agencies.is_empty() {
            p.empty { (lang.pick("Chưa có phiếu nào trong kỳ này.", "No responses in this period yet.")) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(title) { table {
                thead { tr {
                    th { (lang.pick("Đơn vị", "Agency")) }
                    th.num { (lang.pick("Phiếu", "Responses")) }
                    @for flag in Flag::ALL { th.num { (flag_name(lang, *flag)) } }
                    th.num { (lang.pick("Tỷ lệ bị đánh dấu", "Share flagged")) }
                } }
                tbody { @for (name, responses, flagged) in &d.agencies { tr {
                    td { (name) }
                    td.num { (count(lang, *responses, d.min_cell)) }
                    @for n in flagged { td.num { (count(lang, *n, d.min_cell)) } }
                    @let total: u64 = flagged.iter().sum();
                    td.num { @if *responses >= d.min_cell && (total == 0 || total >= d.min_cell) { (super::format::number(lang, 100.0 * total as f64 / *responses as f64, 1)) "%" } @else { "—" } }
                } } }
            } }
        }
    };
    staff_page(frame, title, Width::Wide, body)
}
