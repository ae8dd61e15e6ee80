//! Comparisons that do not mislead (METHODOLOGY §14): every rank is shown with its range, the
//! province sees each level's funnel, a clerk reads where the agency stands in words, and the
//! public is told "above" or "below" only from the funnel position, never from a tier.

use hailong::domain::agency::Role;
use hailong::services::reports::dashboards::Kind;
use hailong_analysis::scores::Measure;

use crate::dashboards::{answer, library_report, value_of};
use crate::helpers::{TestApp, PASSWORD};

/// Three communes of 2026-Q2: Óc Eo mostly satisfied, Rạch Giá mostly not, Vĩnh Tế half and
/// half (the median).
async fn three_communes(app: &TestApp) {
    app.seed();
    {
        use hailong::db::agencies::{self, NewAgency};
        let mut conn = app.conn();
        let root = agencies::find_by_code(&mut conn, "AG").unwrap().unwrap().id;
        agencies::insert(
            &mut conn,
            &NewAgency {
                code: "AG-X-VINHTE",
                name_vi: "Ủy ban nhân dân xã Vĩnh Tế",
                name_en: "People's Committee of Vinh Te Commune",
                level: hailong::domain::agency::AgencyLevel::Commune,
                kind: hailong::domain::agency::AgencyKind::Commune,
                parent_id: Some(root),
                valid_from: chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
                valid_to: None,
            },
        )
        .unwrap();
    }
    for (agency, satisfied, not) in [
        ("AG-X-OCEO", 11, 1),
        ("AG-P-RACHGIA", 1, 11),
        ("AG-X-VINHTE", 6, 6),
    ] {
        answer(app, agency, satisfied, "5", "").await;
        answer(app, agency, not, "1", "").await;
    }
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    app.current_page("/dashboard/province?period=2026-Q2").await;
}

/// The position of `needle` in `page`, which must hold it.
fn at(page: &str, needle: &str) -> usize {
    page.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not on the page:\n{page}"))
}

#[tokio::test]
async fn ranks_come_with_ranges_and_positions_with_the_funnel() {
    let app = crate::helpers::spawn_app().await;
    three_communes(&app).await;
    let library = library_report(&app, Kind::Quarter, 5).await;
    let z = |agency| value_of(&library, "2026-Q2", agency, Measure::FunnelZ).unwrap();
    assert!(z("AG-X-OCEO") > 1.959964, "{}", z("AG-X-OCEO"));
    assert!(z("AG-P-RACHGIA") < -1.959964, "{}", z("AG-P-RACHGIA"));
    assert_eq!(z("AG-X-VINHTE"), 0.0, "the median is in line");

    // The province page: ranges beside ranks and tiers, positions in words, the funnel.
    let page = app
        .page("/dashboard/province?period=2026-Q2&level=commune")
        .await;
    let range = |agency| {
        let best = value_of(&library, "2026-Q2", agency, Measure::RankBest).unwrap();
        let worst = value_of(&library, "2026-Q2", agency, Measure::RankWorst).unwrap();
        let rank = value_of(&library, "2026-Q2", agency, Measure::Rank).unwrap();
        if best == worst {
            format!("{rank} / 3")
        } else {
            format!("{rank} ({best}–{worst}) / 3")
        }
    };
    for agency in ["AG-X-OCEO", "AG-P-RACHGIA", "AG-X-VINHTE"] {
        at(&page, &range(agency));
    }
    at(&page, "Cao hơn các xã, phường khác");
    at(&page, "Ngang với các xã, phường khác");
    at(&page, "Thấp hơn các xã, phường khác");
    at(&page, "<svg class=\"funnel\"");
    assert_eq!(
        page.matches("<circle class=\"pos-").count(),
        3,
        "one point per commune"
    );
    at(&page, "Các điểm của biểu đồ phễu");
    at(&page, "&amp;sort=position");
    let by_position = app
        .page("/dashboard/province?period=2026-Q2&level=commune&sort=position")
        .await;
    let row = |name| at(&by_position, &format!(">Ủy ban nhân dân {name}</a>"));
    assert!(row("xã Óc Eo") < row("xã Vĩnh Tế") && row("xã Vĩnh Tế") < row("phường Rạch Giá"));

    // The agency page says it in a clerk's words, with the range.
    let page = app
        .page("/dashboard/agency/AG-X-VINHTE?period=2026-Q2&lang=en")
        .await;
    at(&page, "In line with the other communes");
    at(&page, &range("AG-X-VINHTE"));
    let page = app
        .page("/dashboard/agency/AG-P-RACHGIA?period=2026-Q2&lang=en")
        .await;
    at(&page, "Below the other communes at");
}

#[tokio::test]
async fn the_public_is_told_above_or_below_only_from_the_funnel_and_finds_its_commune() {
    let app = crate::helpers::spawn_app().await;
    three_communes(&app).await;
    let anyone = app.another_client();
    let board = app.page_as(&anyone, "/cong-khai?period=2026-Q2").await;
    for tier in [
        "Nhóm cao nhất",
        "Nhóm thấp nhất",
        "Trung bình cao",
        "Trung bình thấp",
    ] {
        assert!(!board.contains(tier), "no tier on the public board: {tier}");
    }
    // Above first, then in line, then below (by name within each).
    assert!(
        at(&board, "Cao hơn mức chung") < at(&board, "Ngang mức chung")
            && at(&board, "Ngang mức chung") < at(&board, "Thấp hơn mức chung")
    );
    assert!(at(&board, "xã Óc Eo") < at(&board, "xã Vĩnh Tế"));
    at(&board, "<form class=\"picker\" method=\"get\"");
    at(&board, "name=\"q\"");

    // A citizen types their commune's name without diacritics.
    let found = app
        .page_as(&anyone, "/cong-khai?period=2026-Q2&q=vinh+te")
        .await;
    at(&found, "xã Vĩnh Tế");
    assert!(!found.contains("xã Óc Eo") && !found.contains("phường Rạch Giá"));
    let none = app
        .page_as(&anyone, "/cong-khai?period=2026-Q2&q=Hà+Nội")
        .await;
    at(&none, "Không có cơ quan nào khớp với « Hà Nội ».");
    let by_name = app
        .page_as(&anyone, "/en/public?period=2026-Q2&sort=name")
        .await;
    assert!(at(&by_name, "Oc Eo") < at(&by_name, "Rach Gia"));
    at(&by_name, "Below the others");

    let json: serde_json::Value = anyone
        .get(format!("{}/open-data/scores.json", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = |agency: &str| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["agency_code"] == agency && r["period"] == "2026-Q2")
            .unwrap()
            .clone()
    };
    assert_eq!(row("AG-X-OCEO")["position"], "above");
    assert_eq!(row("AG-X-VINHTE")["position"], "in_line");
    assert_eq!(row("AG-P-RACHGIA")["position"], "below");
    assert_eq!(row("AG-X-OCEO")["rank"], 1);
    assert!(row("AG-X-OCEO")["sat_index_se"].as_f64().unwrap() > 0.0);
    assert!(row("AG-X-OCEO")["rank_worst"].as_u64().unwrap() >= 1);
}
