//! The province's delivery report: invitations per agency and week, answers per agency and
//! quarter (`services::reports::delivery`).

use maud::{html, Markup};

use super::dashboard::period_picker;
use super::format::number;
use super::i18n::Lang;
use super::layout::Width;
use super::staff::{staff_page, Frame};
use crate::domain::delivery_counts::{Answered, WeekRow};
use crate::domain::response_mode::ResponseMode;

pub struct DeliveryPage<'a> {
    pub period: &'a str,
    pub periods: &'a [String],
    /// Each agency's weeks, with the agency's name.
    pub weeks: Vec<(String, WeekRow)>,
    pub agencies: Vec<(String, Answered)>,
    pub channels: Vec<(String, Answered)>,
    /// Answers by mode, each against every invitation of the quarter.
    pub modes: Vec<(String, Answered)>,
    pub min_cell: u64,
}

fn answered_cells(lang: Lang, a: &Answered, min_cell: u64) -> Markup {
    html! {
        td.num { (a.invited) }
        @match a.rate(min_cell) {
            Some(rate) => { td.num { (a.answered) } td.num { (number(lang, rate, 1)) "%" } },
            None => { td.num { "< " (min_cell) } td.num { "—" } },
        }
    }
}

fn mode_name(lang: Lang, mode: &str) -> &str {
    mode.parse::<ResponseMode>().map_or(mode, |m| m.name(lang))
}

pub fn delivery_page(frame: &Frame<'_>, d: &DeliveryPage<'_>) -> Markup {
    let lang = frame.lang;
    let title = format!(
        "{} · {}",
        lang.pick("Gửi phiếu khảo sát", "Survey delivery"),
        d.period
    );
    let body = html! {
        h1 { (lang.pick("Gửi phiếu khảo sát", "Survey delivery")) }
        (period_picker(lang, "/dashboard/delivery", d.period, d.periods, html! {}))
        p { a href=(format!("/exports/delivery.csv?period={}", d.period)) { (lang.pick("Tải CSV theo tuần", "Download the weeks as CSV")) } }
        h2 { (lang.pick("Theo tuần phát hành", "By week of issue")) }
        p.flag { (lang.pick(
            "Đã gửi: tin mời đã đi (hoặc phiếu đã được trả lời trước khi đến hạn gửi). Nhắc lại: tin nhắc đã đến hạn (gửi trừ khi phiếu đã được trả lời). Số người trả lời chỉ đếm theo quý, không theo tuần: cơ sở dữ liệu không được cho biết phiếu nào đã được trả lời.",
            "Sent: the invitation went out (or the survey was answered before it was due). Reminders: reminders that came due (sent unless already answered). Answers are counted per quarter, never per week: the database must not tell which invitation was answered.")) }
        @if d.weeks.is_empty() {
            p { (lang.pick("Chưa có phiếu nào được phát hành trong kỳ.", "No invitation was issued in this period.")) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(lang.pick("Bảng theo tuần", "Weekly table")) { table.delivery {
                thead { tr {
                    th { (lang.pick("Tuần", "Week")) } th { (lang.pick("Cơ quan", "Agency")) }
                    th.num { (lang.pick("Phát hành", "Issued")) } th.num { (lang.pick("Có liên hệ", "With contact")) }
                    th.num { (lang.pick("Đã gửi", "Sent")) } th.num { (lang.pick("Đang lỗi", "Failing")) }
                    th.num { (lang.pick("Nhắc lại", "Reminders")) } th.num { (lang.pick("Từ chối nhận", "Opted out")) }
                } }
                tbody { @for (agency, w) in &d.weeks { tr {
                    td { (w.week) } td { (agency) }
                    td.num { (w.issued) } td.num { (w.with_contact) } td.num { (w.sent) }
                    td.num { (w.failing) } td.num { (w.reminders) } td.num { (w.opted_out) }
                } } }
            } }
        }
        h2 { (lang.pick("Trả lời trong quý", "Answers in the quarter")) }
        p.flag { (lang.pick("Phản hồi đã công bố của quý trên số phiếu phát hành; dưới ngưỡng thì không hiển thị.", "Released responses of the quarter against invitations issued; fewer than the threshold are not shown.")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Trả lời theo cơ quan", "Answers by agency")) { table {
            thead { tr { th { (lang.pick("Cơ quan", "Agency")) } th.num { (lang.pick("Phát hành", "Issued")) } th.num { (lang.pick("Trả lời", "Answered")) } th.num { (lang.pick("Tỷ lệ", "Rate")) } } }
            tbody { @for (agency, a) in &d.agencies { tr { td { (agency) } (answered_cells(lang, a, d.min_cell)) } } }
        } }
        h2 { (lang.pick("Tỷ lệ trả lời theo kênh nộp hồ sơ", "Response rate by the dossier's channel")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Trả lời theo kênh", "Answers by channel")) { table {
            thead { tr { th { (lang.pick("Kênh", "Channel")) } th.num { (lang.pick("Phát hành", "Issued")) } th.num { (lang.pick("Trả lời", "Answered")) } th.num { (lang.pick("Tỷ lệ", "Rate")) } } }
            tbody { @for (channel, a) in &d.channels { tr { td { (channel) } (answered_cells(lang, a, d.min_cell)) } } }
        } }
        h2 { (lang.pick("Trả lời theo cách trả lời", "Answers by mode")) }
        p.note { (lang.pick(
            "Đường dẫn (tin nhắn hoặc mã QR), máy đánh giá tại quầy, phiếu giấy: mỗi cách so với toàn bộ phiếu đã phát hành trong quý.",
            "Link (a message or the QR code), the counter's kiosk, paper: each against every survey issued in the quarter.")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Trả lời theo cách trả lời", "Answers by mode")) { table {
            thead { tr { th { (lang.pick("Cách trả lời", "Mode")) } th.num { (lang.pick("Phát hành", "Issued")) } th.num { (lang.pick("Trả lời", "Answered")) } th.num { (lang.pick("Tỷ lệ", "Rate")) } } }
            tbody { @for (mode, a) in &d.modes { tr { td { (mode_name(lang, mode)) } (answered_cells(lang, a, d.min_cell)) } } }
        } }
    };
    staff_page(frame, &title, Width::Wide, body)
}
