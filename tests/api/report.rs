//! The satisfaction report as the Department sends it: downloaded from the pages as a Word
//! document, opened by LibreOffice (Debian's libreoffice-writer, headless) and read back from
//! the PDF it makes (poppler's pdftotext and pdffonts). `HAILONG_REQUIRE_LIBREOFFICE=1` turns
//! a missing LibreOffice or poppler into a failure.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use hailong::domain::agency::Role;
use hailong::views::format::number;
use hailong::views::i18n::Lang;
use hailong_analysis::scores::Measure;
use unicode_normalization::UnicodeNormalization;

use crate::dashboards::{answer, library_report, value_of};
use crate::helpers::{spawn_app, TestApp, PASSWORD};
use hailong::services::reports::dashboards::Kind;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Whether LibreOffice and poppler are here (a failure when required).
fn office_available() -> bool {
    let runs = |tool: &str, arg: &str| {
        Command::new(tool)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if runs("soffice", "--version") && runs("pdftotext", "-v") && runs("pdffonts", "-v") {
        return true;
    }
    if std::env::var("HAILONG_REQUIRE_LIBREOFFICE").is_ok_and(|v| v == "1") {
        panic!("HAILONG_REQUIRE_LIBREOFFICE=1 but soffice, pdftotext or pdffonts is missing");
    }
    eprintln!("SKIPPED: apt-get install libreoffice-writer poppler-utils to read the report");
    false
}

/// A file of the `.docx` package, as text.
fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The document as LibreOffice lays it out: its text (pdftotext) and its fonts (pdffonts).
fn through_libreoffice(docx: &[u8]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.docx");
    std::fs::write(&file, docx).unwrap();
    // A profile of its own: two tests converting at once must not share one.
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let converted = Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(
        converted.success(),
        "LibreOffice opened and converted the report"
    );
    let pdf = dir.path().join("report.pdf");
    let read = |tool: &str, pdf: &Path| {
        let out = Command::new(tool).arg(pdf).arg("-").output().unwrap();
        assert!(out.status.success(), "{tool}");
        String::from_utf8(out.stdout).unwrap()
    };
    let text = read("pdftotext", &pdf);
    let fonts =
        String::from_utf8(Command::new("pdffonts").arg(&pdf).output().unwrap().stdout).unwrap();
    (text, fonts)
}

async fn download(app: &TestApp, path: &str) -> reqwest::Response {
    let url = format!("{}{path}", app.address);
    match app.client.get(&url).send().await {
        Ok(response) => response,
        // The kept-alive connection was closed by the server (5 idle seconds, while the test
        // read the previous document) just as this request went out: a browser sends a GET
        // again on a new connection, and so does this.
        Err(e) if e.is_request() => app.client.get(&url).send().await.unwrap(),
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn the_province_downloads_its_quarter_s_report_in_the_administrative_format() {
    let app = spawn_app().await;
    answer(
        &app,
        "AG-X-OCEO",
        6,
        "4",
        "Cán bộ rất tận tình, hướng dẫn chu đáo",
    )
    .await;
    answer(&app, "AG-P-RACHGIA", 2, "2", "Một góp ý riêng tư").await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    let page = app.current_page("/dashboard/province?period=2026-Q2").await;
    assert!(page.contains("href=\"/exports/report.docx?period=2026-Q2\""));

    let response = download(&app, "/exports/report.docx?period=2026-Q2").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], DOCX);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("bao-cao-hai-long-2026-q2.docx"));
    let docx = response.bytes().await.unwrap().to_vec();

    // Decree 30: A4, margins 20/20/30/15 mm, Times New Roman 14 pt.
    let document = part(&docx, "word/document.xml");
    assert!(document.contains("w:w=\"11906\"") && document.contains("w:h=\"16838\""));
    assert!(document.contains("w:left=\"1701\"") && document.contains("w:right=\"851\""));
    let styles = part(&docx, "word/styles.xml");
    assert!(styles.contains("Times New Roman") && styles.contains("w:val=\"28\""));

    let library = library_report(&app, Kind::Quarter, 5).await;
    let shown = value_of(&library, "2026-Q2", "AG-X-OCEO", Measure::SatIndex).unwrap();
    let unsuppressed = library_report(&app, Kind::Quarter, 1).await;
    let hidden = value_of(&unsuppressed, "2026-Q2", "AG-P-RACHGIA", Measure::PapiTotal).unwrap();
    if !office_available() {
        return;
    }
    let (text, fonts) = through_libreoffice(&docx);
    // The PDF download is those pages, made by the service.
    let pdf = download(&app, "/exports/report.docx?period=2026-Q2&format=pdf").await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needed in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ NỘI VỤ",
        "Số: ….../BC-SNV",
        "An Giang, ngày",
        "BÁO CÁO",
        "quý II năm 2026",
        "I. PHẠM VI VÀ PHƯƠNG PHÁP KHẢO SÁT",
        "II. KẾT QUẢ KHẢO SÁT",
        "III. THỰC HIỆN CHỈ TIÊU KẾ HOẠCH",
        "IV. Ý KIẾN CỦA NGƯỜI DÂN, DOANH NGHIỆP",
        "V. KIẾN NGHỊ",
        "Nơi nhận:",
        "GIÁM ĐỐC",
        "PHỤ LỤC",
        "Ủy ban nhân dân xã Óc Eo",
        "Thái độ cán bộ",
        "Xếp hạng PAPI năm 2024",
    ] {
        assert!(
            flat.contains(needed),
            "the report lacks {needed:?}:\n{text}"
        );
    }
    assert!(flat.contains(&number(Lang::VI, shown, 1)), "Óc Eo's index");
    // Nothing under min_cell, and no comment's text: only topics and their counts.
    assert!(
        !flat.contains(&number(Lang::VI, hidden, 2)),
        "Rạch Giá's hidden total"
    );
    for private in ["Cán bộ rất tận tình", "Một góp ý riêng tư"] {
        assert!(!flat.contains(private), "the report quotes {private:?}");
    }
    assert_eq!(text, text.nfc().collect::<String>(), "Vietnamese in NFC");
    // Every font is embedded (pdffonts' "emb" column).
    let font_rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!font_rows.is_empty());
    for row in font_rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(columns[columns.len() - 5], "yes", "not embedded: {row}");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_agency_downloads_its_own_report_and_no_other_agency_s() {
    let app = spawn_app().await;
    answer(&app, "AG-X-OCEO", 6, "4", "").await;
    answer(&app, "AG-P-RACHGIA", 6, "3", "").await;
    app.add_user("xa@angiang.test", Role::Agency, Some("AG-X-OCEO"));
    app.login("xa@angiang.test", PASSWORD).await;
    let page = app
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    assert!(page.contains("/dashboard/agency/AG-X-OCEO/report.docx?period=2026-Q2"));

    let own = download(
        &app,
        "/dashboard/agency/AG-X-OCEO/report.docx?period=2026-Q2",
    )
    .await;
    assert_eq!(own.status(), 200);
    let document = part(&own.bytes().await.unwrap(), "word/document.xml");
    assert!(
        document.contains("ỦY BAN NHÂN DÂN XÃ ÓC EO"),
        "issued by the agency"
    );
    assert!(document.contains("THỦ TRƯỞNG CƠ QUAN"));
    assert!(
        !document.contains("Rạch Giá"),
        "another agency's detail stays out of an agency's report"
    );
    // Another agency's report, and the province's, are not this user's.
    for path in [
        "/dashboard/agency/AG-P-RACHGIA/report.docx?period=2026-Q2",
        "/exports/report.docx?period=2026-Q2",
        "/exports/report.docx?period=2026-Q2&agency=AG-P-RACHGIA",
    ] {
        let refused = download(&app, path).await;
        assert_eq!(refused.status(), 404, "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_report_of_no_period_or_of_a_period_not_computed_is_a_clear_refusal() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    let bad = download(&app, "/exports/report.docx?period=Q3-2026").await;
    assert_eq!(bad.status(), 422);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("Kỳ báo cáo phải là một quý (2026-Q3) hoặc một năm (2026)"));
    let empty = download(&app, "/exports/report.docx?period=2019-Q1").await;
    assert_eq!(empty.status(), 422);
    assert!(empty
        .text()
        .await
        .unwrap()
        .contains("Kỳ này chưa có số liệu"));
    app.stop().await;
}

#[tokio::test]
async fn the_report_command_writes_the_document_or_says_what_is_wrong() {
    let app = spawn_app().await;
    answer(&app, "AG-X-OCEO", 6, "4", "").await;
    crate::dashboards::answer_in(&app, "AG-X-OCEO", 6, "5", "2025-05-10T10:00:00+07:00").await;
    // Released now (the service releases in the background): the command reads released
    // responses only.
    assert_eq!(crate::helpers::stored_count(&mut app.conn()), 12);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("q2.docx");
    let run = |args: &[&str]| app.db.run_cli(out.path(), args);
    let written = run(&[
        "report",
        "--period",
        "2026-Q2",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(written.status.success(), "{written:?}");
    let docx = std::fs::read(&file).unwrap();
    let document = part(&docx, "word/document.xml");
    assert!(document.contains("quý II năm 2026"));
    // The command computes the same quarter a year before too, to compare with it.
    assert!(document.contains("So với quý II năm 2025"), "a year before");
    let agency = out.path().join("oceo.docx");
    let written = run(&[
        "report",
        "--period",
        "2026-Q2",
        "--agency",
        "AG-X-OCEO",
        "--out",
        agency.to_str().unwrap(),
    ]);
    assert!(written.status.success(), "{written:?}");

    if office_available() {
        let pdf = out.path().join("q2.pdf");
        let written = run(&[
            "report",
            "--period",
            "2026-Q2",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ]);
        assert!(written.status.success(), "{written:?}");
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    }
    let refused = run(&["report", "--period", "Q2", "--out", "x.docx"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("\"Q2\" is not a period"));
    let unknown = run(&[
        "report", "--period", "2026-Q2", "--agency", "NO-SUCH", "--out", "x.docx",
    ]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no agency has the code \"NO-SUCH\""));
    app.stop().await;
}

#[tokio::test]
async fn the_report_carries_the_pages_charts_as_pictures() {
    let app = spawn_app().await;
    answer(&app, "AG-X-OCEO", 6, "4", "").await;
    answer(&app, "AG-P-RACHGIA", 6, "3", "").await;
    crate::dashboards::answer_in(&app, "AG-X-OCEO", 6, "5", "2026-02-10T10:00:00+07:00").await;
    crate::dashboards::answer_in(&app, "AG-X-OCEO", 6, "5", "2025-05-10T10:00:00+07:00").await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    for period in ["2026-Q2", "2026-Q1", "2025-Q2"] {
        app.current_page(&format!("/dashboard/province?period={period}"))
            .await;
    }

    let docx = download(&app, "/exports/report.docx?period=2026-Q2")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx.as_slice())).unwrap();
    let pictures: Vec<(String, u64)> = (0..archive.len())
        .map(|i| {
            let file = archive.by_index(i).unwrap();
            (file.name().unwrap().into_owned(), file.size())
        })
        .filter(|(name, _)| name.starts_with("word/media/") && !name.ends_with('/'))
        .collect();
    // The province's trend (three quarters) and the communes' funnel plot.
    assert_eq!(pictures.len(), 2, "{pictures:?}");
    for (name, size) in &pictures {
        assert!(*size > 10_000, "{name} is {size} bytes: nothing drawn?");
    }
    let document = part(&docx, "word/document.xml");
    assert!(document.contains("Chỉ số hài lòng qua các kỳ"));
    assert!(document.contains("Biểu đồ phễu – Cấp xã"));
    // The change since the previous quarter and since the same quarter a year before (§10:
    // both shown, one questionnaire version).
    assert!(
        document.contains("So với quý I năm 2026"),
        "previous quarter"
    );
    assert!(document.contains("So với quý II năm 2025"), "a year before");
    app.stop().await;
}
