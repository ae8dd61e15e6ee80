//! The satisfaction report as a Word document in the administrative format of Decree
//! 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, Times New Roman 14 pt (13 pt in the header and
//! tables), the national header beside the issuing body, "Số: …/BC-…", place and date, the
//! title, five sections and an appendix, then "Nơi nhận" beside the signature block. It is a
//! draft to finish and sign: the number and the signer are left for the office to fill in.
//! The words of a standing are those of the pages (`views::standing`).

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableRow, WidthType,
};

use super::charts::{funnel, trend, Point};
use super::format::number;
use super::i18n::Lang;
use super::standing::{position_sentence, public_words, rank_with_range};
use crate::domain::plan::Goal;
use crate::domain::satisfaction_report::{AgencyLine, Change, Reach, SatisfactionReport, Span};

const VI: Lang = Lang::VI;
/// Sizes in half-points, as Word counts them.
const BODY: usize = 28;
const SMALL: usize = 26;
const TABLE: usize = 24;
const NOTE: usize = 22;
/// A4 in twentieths of a point, and the decree's margins (mm × 56.7).
const A4: (u32, u32) = (11906, 16838);
const MARGINS: (i32, i32, i32, i32) = (1134, 1134, 1701, 851);
/// The text width between the margins, in twips.
const TEXT_WIDTH: usize = 11906 - 1701 - 851;
/// The issuing body's column of the header; the national motto takes the rest.
const ISSUER_WIDTH: usize = 3700;

#[derive(Debug, thiserror::Error)]
#[error("writing the report document: {0}")]
pub struct ReportWriteError(String);

fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size)
}

fn paragraph(align: AlignmentType, runs: Vec<Run>) -> Paragraph {
    runs.into_iter()
        .fold(Paragraph::new().align(align), Paragraph::add_run)
}

fn centred(text: &str, size: usize, bold: bool) -> Paragraph {
    let r = run(text, size);
    paragraph(AlignmentType::Center, vec![if bold { r.bold() } else { r }])
}

/// A body paragraph: justified, first line indented 1 cm, as the decree's examples are.
fn body(text: &str) -> Paragraph {
    paragraph(AlignmentType::Both, vec![run(text, BODY)]).indent(
        None,
        Some(SpecialIndentType::FirstLine(567)),
        None,
        None,
    )
}

fn heading(text: &str) -> Paragraph {
    paragraph(AlignmentType::Both, vec![run(text, BODY).bold()])
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .keep_next(true)
}

fn cell(text: &str, bold: bool, width: usize) -> TableCell {
    let r = run(text, TABLE);
    TableCell::new()
        .add_paragraph(paragraph(
            AlignmentType::Left,
            vec![if bold { r.bold() } else { r }],
        ))
        .width(width, WidthType::Dxa)
}

/// A bordered table: a bold header row, then the rows; column widths in parts of the text
/// width.
fn grid(header: &[&str], rows: &[Vec<String>], parts: &[usize]) -> Table {
    let total: usize = parts.iter().sum();
    let widths: Vec<usize> = parts.iter().map(|p| TEXT_WIDTH * p / total).collect();
    let header_row = TableRow::new(
        header
            .iter()
            .zip(&widths)
            .map(|(h, w)| cell(h, true, *w))
            .collect(),
    );
    let body_rows = rows.iter().map(|row| {
        TableRow::new(
            row.iter()
                .zip(&widths)
                .map(|(c, w)| cell(c, false, *w))
                .collect(),
        )
    });
    Table::new(std::iter::once(header_row).chain(body_rows).collect())
        .set_grid(widths)
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// A chart of the pages as a picture across the text width, with its caption below; nothing
/// when it cannot be drawn (the text and tables still say everything).
fn chart(markup: &maud::Markup, caption: &str) -> Vec<DocPart> {
    let Some((png, width, height)) = super::report_charts::png(&markup.0) else {
        return Vec::new();
    };
    // 15 cm wide, in EMU (360 000 a centimetre); the picture's own pixels behind it.
    let (w_emu, h_emu) = (5_400_000_u32, (5_400_000.0 * height / width) as u32);
    let pixels = |units: f32| (units * 4.0).ceil() as u32;
    let picture = Pic::new_with_dimensions(png, pixels(width), pixels(height)).size(w_emu, h_emu);
    vec![
        DocPart::p(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_image(picture))
                .keep_next(true),
        ),
        DocPart::p(paragraph(
            AlignmentType::Center,
            vec![run(caption, TABLE).italic()],
        )),
    ]
}

fn optional(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| number(VI, v, decimals))
}

fn count(value: Option<u64>) -> String {
    value.map_or_else(|| "–".to_owned(), thousands)
}

/// 12345 → "12.345", as Vietnamese writes thousands.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// "quý III năm 2026", "năm 2026".
pub fn period_words(period: &str, span: Span) -> String {
    match span {
        Span::Year => format!("năm {period}"),
        Span::Quarter => {
            let (year, quarter) = period.split_once("-Q").unwrap_or((period, ""));
            let roman = match quarter {
                "1" => "I",
                "2" => "II",
                "3" => "III",
                _ => "IV",
            };
            format!("quý {roman} năm {year}")
        }
    }
}

/// "An Giang" from "Ủy ban nhân dân tỉnh An Giang".
fn place(province_name: &str) -> &str {
    ["Ủy ban nhân dân tỉnh ", "Ủy ban nhân dân thành phố "]
        .iter()
        .find_map(|prefix| province_name.strip_prefix(prefix))
        .unwrap_or(province_name)
}

fn level_words(level: &str) -> &'static str {
    match level {
        "department" => "Sở, ban, ngành",
        "district" => "Cấp huyện (trước 01/7/2025)",
        _ => "Cấp xã",
    }
}

/// The header: issuing body on the left, the national motto on the right, both centred in
/// their halves, without borders; then the number and the place and date.
fn national_header(report: &SatisfactionReport) -> Table {
    let place = place(&report.province_name);
    let (upper, issuer, short) = match report.subject.level {
        None => (
            format!("UBND TỈNH {}", place.to_uppercase()),
            "SỞ NỘI VỤ".to_owned(),
            "SNV".to_owned(),
        ),
        Some(_) => (
            format!("UBND TỈNH {}", place.to_uppercase()),
            report.subject.name.to_uppercase(),
            report.subject.code.clone(),
        ),
    };
    let date = report.issued_on;
    use chrono::Datelike;
    let left = TableCell::new()
        .add_paragraph(centred(&upper, SMALL, false))
        .add_paragraph(centred(&issuer, SMALL, true))
        .add_paragraph(centred(&format!("Số: ….../BC-{short}"), SMALL, false))
        .width(ISSUER_WIDTH, WidthType::Dxa);
    let right = TableCell::new()
        .add_paragraph(centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", TABLE, true))
        .add_paragraph(centred("Độc lập - Tự do - Hạnh phúc", BODY, true))
        .add_paragraph(paragraph(
            AlignmentType::Center,
            vec![run(
                &format!(
                    "{place}, ngày {:02} tháng {:02} năm {}",
                    date.day(),
                    date.month(),
                    date.year()
                ),
                BODY,
            )
            .italic()],
        ))
        .width(TEXT_WIDTH - ISSUER_WIDTH, WidthType::Dxa);
    Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![ISSUER_WIDTH, TEXT_WIDTH - ISSUER_WIDTH])
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// "Nơi nhận" on the left, the signature block on the right.
fn signature(report: &SatisfactionReport) -> Table {
    let recipients: &[&str] = match report.subject.level {
        None => &[
            "- UBND tỉnh (để báo cáo);",
            "- Bộ Nội vụ (để báo cáo);",
            "- Các sở, ban, ngành; UBND cấp xã;",
            "- Lưu: VT.",
        ],
        Some(_) => &["- Sở Nội vụ (để tổng hợp);", "- Lưu: VT."],
    };
    let title = match report.subject.level {
        None => "GIÁM ĐỐC",
        Some(_) => "THỦ TRƯỞNG CƠ QUAN",
    };
    let mut left = TableCell::new().add_paragraph(paragraph(
        AlignmentType::Left,
        vec![run("Nơi nhận:", TABLE).bold().italic()],
    ));
    for r in recipients {
        left = left.add_paragraph(paragraph(AlignmentType::Left, vec![run(r, NOTE)]));
    }
    let right = TableCell::new()
        .add_paragraph(centred(title, BODY, true))
        .add_paragraph(paragraph(
            AlignmentType::Center,
            vec![run("(Ký, ghi rõ họ tên, đóng dấu)", BODY).italic()],
        ));
    let half = TEXT_WIDTH / 2;
    Table::without_borders(vec![TableRow::new(vec![
        left.width(half, WidthType::Dxa),
        right.width(half, WidthType::Dxa),
    ])])
    .set_grid(vec![half, half])
    .width(TEXT_WIDTH, WidthType::Dxa)
}

fn reach_rows(reach: &[Reach], name: impl Fn(&str) -> String) -> Vec<Vec<String>> {
    reach
        .iter()
        .map(|r| {
            vec![
                name(&r.name),
                thousands(r.invited),
                count(r.answered),
                optional(r.rate, 1),
            ]
        })
        .collect()
}

fn channel_words(channel: &str) -> String {
    match channel {
        "online" => "Trực tuyến".into(),
        "counter" => "Trực tiếp tại bộ phận một cửa".into(),
        "postal" => "Dịch vụ bưu chính".into(),
        other => other.into(),
    }
}

fn mode_words(mode: &str) -> String {
    match mode {
        "link" => "Đường liên kết (SMS, Zalo, thư điện tử, mã QR)".into(),
        "kiosk" => "Máy tính bảng tại quầy".into(),
        "paper" => "Phiếu giấy".into(),
        other => other.into(),
    }
}

fn section_scope(report: &SatisfactionReport) -> Vec<Paragraph> {
    let own = &report.own;
    let mut out = vec![
        heading("I. PHẠM VI VÀ PHƯƠNG PHÁP KHẢO SÁT"),
        body(&format!(
            "Khảo sát được gửi tới người dân, doanh nghiệp có hồ sơ thủ tục hành chính đã giải \
             quyết xong trong {}: mỗi hồ sơ một phiếu, gắn với thủ tục đã giải quyết và định \
             danh đã xác thực của người nộp; câu trả lời được lưu ẩn danh, không ai (kể cả cơ \
             quan giải quyết) liên kết được với người trả lời.",
            period_words(&report.period, report.span)
        )),
        body(&format!(
            "Số hồ sơ đã giải quyết: {}; số phiếu khảo sát đã gửi: {}; số phiếu trả lời: {}; \
             tỷ lệ phản hồi: {}%.",
            count(own.completed),
            count(own.invitations),
            thousands(u64::from(own.responses)),
            optional(own.response_rate, 1)
        )),
    ];
    let margin = report
        .index
        .and_then(|f| f.ci)
        .map(|(low, high)| (high - low) / 2.0);
    out.push(body(&format!(
        "Chỉ số hài lòng tính theo phương pháp SIPAS (thang 0-100), có trọng số hậu phân tầng \
         theo kênh nộp hồ sơ và loại người nộp; khoảng tin cậy 95% tính bằng bootstrap. Sai số \
         ở độ tin cậy 95%: ±{} điểm.",
        optional(margin, 1)
    )));
    out.push(body(&format!(
        "Để bảo vệ người trả lời, không công bố số liệu tính từ dưới {} phiếu; {} cơ quan có \
         phiếu trả lời nhưng dưới ngưỡng này nên không được nêu số liệu trong báo cáo.",
        report.min_cell, report.suppressed
    )));
    out
}

fn compared(c: &Change, span: Span) -> String {
    format!(
        "So với {} ({} điểm): {} {} điểm, {}.",
        period_words(&c.previous_period, span),
        number(VI, c.previous_value, 1),
        if c.delta >= 0.0 { "tăng" } else { "giảm" },
        number(VI, c.delta.abs(), 1),
        if c.significant {
            "thay đổi có ý nghĩa thống kê ở mức 95%"
        } else {
            "thay đổi không có ý nghĩa thống kê ở mức 95% (trong phạm vi sai số)"
        }
    )
}

/// The change since the previous period and, for a quarter, since the same quarter a year
/// before; each said only where §10 allows the comparison.
fn change_sentence(report: &SatisfactionReport) -> String {
    let previous = match &report.change {
        Some(c) => compared(c, report.span),
        None => "Không so sánh với kỳ trước: kỳ trước không có số liệu công bố được, hoặc hai \
                 kỳ dùng bộ câu hỏi khác nhau."
            .to_owned(),
    };
    match (&report.change_year, report.span) {
        (Some(c), _) => format!("{previous} {}", compared(c, report.span)),
        (None, Span::Quarter) => format!(
            "{previous} Không so sánh với cùng kỳ năm trước: chưa có số liệu công bố được, hoặc \
             hai kỳ dùng bộ câu hỏi khác nhau."
        ),
        (None, Span::Year) => previous,
    }
}

fn ranking_row(line: &AgencyLine) -> Vec<String> {
    let standing = line.standing.as_ref();
    vec![
        standing.map(rank_with_range).unwrap_or_default(),
        line.name.clone(),
        optional(line.sat_index, 1),
        optional(line.papi_total, 2),
        standing
            .and_then(|s| s.tier)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        public_words(VI, standing.and_then(|s| s.position())).to_owned(),
    ]
}

fn names(lines: &[&AgencyLine]) -> String {
    lines
        .iter()
        .map(|l| l.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn section_results(report: &SatisfactionReport) -> Vec<DocPart> {
    let mut out = vec![DocPart::p(heading("II. KẾT QUẢ KHẢO SÁT"))];
    out.push(DocPart::p(match report.index {
        Some(f) => body(&format!(
            "1. Chỉ số hài lòng chung của {} đạt {} điểm (khoảng tin cậy 95%: {}–{}; {} phiếu). {}",
            match report.subject.level {
                None => "toàn tỉnh",
                Some(_) => report.subject.name.as_str(),
            },
            number(VI, f.value, 1),
            optional(f.ci.map(|c| c.0), 1),
            optional(f.ci.map(|c| c.1), 1),
            thousands(u64::from(f.n)),
            change_sentence(report)
        )),
        None => body(&format!(
            "1. Chỉ số hài lòng chung không được công bố trong {}: chưa đủ phiếu trả lời.",
            period_words(&report.period, report.span)
        )),
    }));
    out.push(DocPart::p(body(
        "2. Mức độ hài lòng theo từng yếu tố (tỷ lệ hài lòng, %):",
    )));
    let rows: Vec<Vec<String>> = report
        .elements
        .iter()
        .map(|(name, value)| vec![name.clone(), optional(*value, 1)])
        .collect();
    out.push(DocPart::t(grid(
        &["Yếu tố", "Tỷ lệ hài lòng (%)"],
        &rows,
        &[3, 1],
    )));
    let shown = report.trend.iter().filter(|p| p.value.is_some()).count();
    if shown >= 2 {
        let points: Vec<Point> = report
            .trend
            .iter()
            .map(|p| Point {
                label: p.period.clone(),
                value: p.value,
                interval: p.ci,
                lineage: false,
            })
            .collect();
        let title = "Chỉ số hài lòng qua các kỳ (khoảng tin cậy 95%)";
        out.extend(chart(&trend(VI, title, &points, 0.0, 100.0), title));
    }

    out.push(DocPart::p(body(
        "3. Xếp hạng theo cấp (hạng kèm khoảng hạng mà sai số cho phép; vị trí so với các cơ \
         quan cùng cấp ở độ tin cậy 95%, theo biểu đồ phễu):",
    )));
    for ranking in &report.rankings {
        if let (Some(level), Some(own)) = (&report.subject.level, ranking.ranked.first()) {
            let standing = own.standing.as_ref();
            out.push(DocPart::p(body(&format!(
                "{}: hạng {}. {}.",
                level_words(level),
                standing.map(rank_with_range).unwrap_or_default(),
                position_sentence(VI, standing.and_then(|s| s.position()), level)
            ))));
            continue;
        }
        out.push(DocPart::p(body(&format!(
            "{} ({} cơ quan được xếp hạng; {} cơ quan chưa đủ phiếu để xếp hạng):",
            level_words(&ranking.level),
            ranking.ranked.len(),
            ranking.unranked
        ))));
        let rows: Vec<Vec<String>> = ranking.ranked.iter().map(ranking_row).collect();
        out.push(DocPart::t(grid(
            &[
                "Hạng (khoảng)",
                "Cơ quan",
                "Chỉ số hài lòng",
                "Điểm hiệu quả",
                "Nhóm",
                "Vị trí",
            ],
            &rows,
            &[5, 8, 4, 4, 3, 5],
        )));
        if let Some((_, f)) = report
            .funnels
            .iter()
            .find(|(level, _)| *level == ranking.level)
        {
            let title = format!(
                "Biểu đồ phễu – {}: chỉ số hài lòng theo cỡ mẫu hiệu dụng, giới hạn 95% (liền) \
                 và 99,8% (đứt) quanh trung vị",
                level_words(&ranking.level)
            );
            out.extend(chart(&funnel(VI, &title, f, |_| String::new()), &title));
        }
        let best: Vec<&AgencyLine> = ranking.ranked.iter().take(3).collect();
        let weakest: Vec<&AgencyLine> = ranking.ranked.iter().rev().take(3).collect();
        if ranking.ranked.len() >= 6 {
            out.push(DocPart::p(body(&format!(
                "Cao nhất: {}. Thấp nhất: {}.",
                names(&best),
                names(&weakest)
            ))));
        }
    }
    if let Some(g) = &report.group766 {
        out.push(DocPart::p(body(&format!(
            "4. Nhóm chỉ tiêu sự hài lòng theo Quyết định 766/QĐ-TTg: (a) yêu cầu hỗ trợ, \
             phản ánh được trả lời đúng hạn {}%; (b) hài lòng với việc xử lý yêu cầu {}%; (c) \
             hồ sơ không bị đánh giá không hài lòng hoặc phản ánh {}% (tính trên các cơ quan đủ \
             số phiếu để công bố).",
            optional(g.on_time, 1),
            optional(g.satisfied, 1),
            optional(g.not_dissatisfied, 1)
        ))));
    }
    out
}

fn goal_words(goal: Goal) -> &'static str {
    match goal {
        Goal::OnTime => "Hồ sơ giải quyết đúng hạn (%)",
        Goal::Online => "Hồ sơ tiếp nhận trực tuyến (%)",
        Goal::Satisfaction => "Chỉ số hài lòng (điểm)",
    }
}

fn section_targets(report: &SatisfactionReport) -> Vec<DocPart> {
    let own = &report.own;
    let mut out = vec![DocPart::p(heading("III. THỰC HIỆN CHỈ TIÊU KẾ HOẠCH"))];
    let mut rows: Vec<Vec<String>> = Vec::new();
    match &report.plan {
        Some(plan) => {
            out.push(DocPart::p(body(&format!("Chỉ tiêu theo {}.", plan.source))));
            for p in plan.progress(own.on_time_rate, own.online_share, own.sat_index) {
                rows.push(vec![
                    goal_words(p.goal).to_owned(),
                    number(VI, p.target, 0),
                    optional(p.actual, 1),
                    optional(p.gap(), 1),
                ]);
            }
            if let Some(target) = plan.e_authenticated_percent {
                rows.push(vec![
                    "Giao dịch được xác thực điện tử (%)".to_owned(),
                    number(VI, target, 0),
                    "Chưa có số liệu".to_owned(),
                    String::new(),
                ]);
            }
        }
        None => out.push(DocPart::p(body(
            "Chưa có kế hoạch năm của tỉnh trong hệ thống (hailong plan set, hoặc trang Quản \
             trị › Kế hoạch): các kết quả dưới đây chưa so với mục tiêu.",
        ))),
    }
    if report.plan.is_none() {
        for (words, actual) in [
            (goal_words(Goal::OnTime), own.on_time_rate),
            (goal_words(Goal::Online), own.online_share),
            (goal_words(Goal::Satisfaction), own.sat_index),
        ] {
            rows.push(vec![
                words.to_owned(),
                "–".to_owned(),
                optional(actual, 1),
                String::new(),
            ]);
        }
    }
    for p in &report.published {
        rows.push(vec![
            format!(
                "Xếp hạng {} năm {} (trong {} tỉnh, thành)",
                p.index, p.year, p.of
            ),
            format!("Nhóm {} đầu", p.target),
            p.rank.to_string(),
            if p.rank <= p.target {
                "Đạt".to_owned()
            } else {
                format!("Chưa đạt ({} bậc)", p.rank - p.target)
            },
        ]);
    }
    out.push(DocPart::t(grid(
        &["Chỉ tiêu", "Mục tiêu", "Kết quả", "Chênh lệch"],
        &rows,
        &[4, 2, 2, 2],
    )));
    out
}

fn section_comments(report: &SatisfactionReport) -> Vec<DocPart> {
    let mut out = vec![
        DocPart::p(heading("IV. Ý KIẾN CỦA NGƯỜI DÂN, DOANH NGHIỆP")),
        DocPart::p(body(
            "Các ý kiến được phân loại theo chủ đề; báo cáo không trích dẫn nội dung ý kiến và \
             chỉ tính ý kiến của những nhóm đủ số phiếu để công bố.",
        )),
    ];
    if report.topics.is_empty() {
        out.push(DocPart::p(body(
            "Không có ý kiến nào đủ điều kiện công bố.",
        )));
    } else {
        let rows: Vec<Vec<String>> = report
            .topics
            .iter()
            .map(|(topic, n)| {
                vec![
                    super::comments::topic_name(VI, *topic).to_owned(),
                    thousands(*n as u64),
                ]
            })
            .collect();
        out.push(DocPart::t(grid(&["Chủ đề", "Số ý kiến"], &rows, &[3, 1])));
    }
    out
}

fn section_recommendations(report: &SatisfactionReport) -> Vec<Paragraph> {
    let mut out = vec![heading("V. KIẾN NGHỊ")];
    if report.weaknesses.is_empty() {
        out.push(body(
            "Không có nội dung nào thấp hơn trung vị của các cơ quan cùng cấp.",
        ));
    }
    for w in &report.weaknesses {
        out.push(body(&format!(
            "- {}: nội dung “{}” đạt {}% hài lòng, thấp hơn trung vị {}% của các cơ quan cùng \
             cấp; đề nghị rà soát, có giải pháp cải thiện trong kỳ tới.",
            w.agency,
            w.item,
            number(VI, w.value, 1),
            number(VI, w.median, 1)
        )));
    }
    out
}

fn appendix(report: &SatisfactionReport) -> Vec<DocPart> {
    let rows: Vec<Vec<String>> = report
        .appendix
        .iter()
        .map(|l| {
            let shown = l.sat_index.is_some();
            vec![
                l.name.clone(),
                count(l.completed),
                count(l.invitations),
                if l.responses >= report.min_cell {
                    thousands(u64::from(l.responses))
                } else {
                    format!("dưới {}", report.min_cell)
                },
                optional(l.response_rate.filter(|_| shown), 1),
                optional(l.on_time_rate, 1),
                optional(l.sat_index, 1),
                l.standing.as_ref().map(rank_with_range).unwrap_or_default(),
            ]
        })
        .collect();
    vec![
        DocPart::p(centred("PHỤ LỤC", BODY, true).page_break_before(true)),
        DocPart::p(centred(
            &format!(
                "Kết quả của từng cơ quan, đơn vị {}",
                period_words(&report.period, report.span)
            ),
            BODY,
            false,
        )),
        DocPart::t(grid(
            &[
                "Cơ quan",
                "Hồ sơ đã giải quyết",
                "Phiếu đã gửi",
                "Phiếu trả lời",
                "Tỷ lệ phản hồi (%)",
                "Đúng hạn (%)",
                "Chỉ số hài lòng",
                "Hạng",
            ],
            &rows,
            &[4, 2, 2, 2, 2, 2, 2, 2],
        )),
    ]
}

/// A piece of the document's body (boxed: docx-rs' paragraphs and tables are large values).
enum DocPart {
    P(Box<Paragraph>),
    T(Box<Table>),
}

impl DocPart {
    fn p(paragraph: Paragraph) -> Self {
        Self::P(Box::new(paragraph))
    }

    fn t(table: Table) -> Self {
        Self::T(Box::new(table))
    }
}

/// The report as a `.docx` file.
pub fn docx(report: &SatisfactionReport) -> Result<Vec<u8>, ReportWriteError> {
    let subject = match report.subject.level {
        None => "cơ quan hành chính nhà nước tỉnh".to_owned(),
        Some(_) => report.subject.name.clone(),
    };
    let mut parts = vec![
        DocPart::t(national_header(report)),
        DocPart::p(Paragraph::new()),
        DocPart::p(centred("BÁO CÁO", BODY, true)),
        DocPart::p(centred(
            &format!(
                "Kết quả khảo sát sự hài lòng của người dân, doanh nghiệp đối với sự phục vụ \
                 của {subject} {}",
                period_words(&report.period, report.span)
            ),
            BODY,
            true,
        )),
        DocPart::p(centred("_______________", BODY, false)),
    ];
    parts.extend(section_scope(report).into_iter().map(DocPart::p));
    let reaches = [
        (
            "Theo kênh nộp hồ sơ:",
            "Kênh nộp hồ sơ",
            &report.by_channel,
            channel_words as fn(&str) -> String,
        ),
        (
            "Theo hình thức trả lời (tỷ lệ trên tổng số phiếu đã gửi):",
            "Hình thức trả lời",
            &report.by_mode,
            mode_words,
        ),
    ];
    for (lead, first_column, reach, name) in reaches {
        if reach.is_empty() {
            continue;
        }
        parts.push(DocPart::p(body(lead)));
        parts.push(DocPart::t(grid(
            &[first_column, "Phiếu đã gửi", "Phiếu trả lời", "Tỷ lệ (%)"],
            &reach_rows(reach, name),
            &[4, 2, 2, 2],
        )));
    }
    parts.extend(section_results(report));
    parts.extend(section_targets(report));
    parts.extend(section_comments(report));
    parts.extend(section_recommendations(report).into_iter().map(DocPart::p));
    parts.push(DocPart::p(Paragraph::new()));
    parts.push(DocPart::t(signature(report)));
    parts.extend(appendix(report));

    let fonts = RunFonts::new()
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
        .cs("Times New Roman")
        .east_asia("Times New Roman");
    let document = parts.into_iter().fold(
        Docx::new()
            .page_size(A4.0, A4.1)
            .page_margin(
                PageMargin::new()
                    .top(MARGINS.0)
                    .bottom(MARGINS.1)
                    .left(MARGINS.2)
                    .right(MARGINS.3),
            )
            .default_fonts(fonts)
            .default_size(BODY)
            .default_line_spacing(LineSpacing::new().after(120)),
        |doc, part| match part {
            DocPart::P(p) => doc.add_paragraph(*p),
            DocPart::T(t) => doc.add_table(*t),
        },
    );
    let mut out = std::io::Cursor::new(Vec::new());
    document
        .build()
        .pack(&mut out)
        .map_err(|e| ReportWriteError(e.to_string()))?;
    Ok(out.into_inner())
}
