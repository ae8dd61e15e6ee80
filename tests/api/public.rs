//! The public scoreboard, the open data and the badges: no sign-in, the staff dashboards' own
//! numbers, nothing suppressed, no comment.

use hailong::domain::agency::Role;
use hailong::services::reports::dashboards::Kind;
use hailong::views::format::number;
use hailong::views::i18n::Lang;
use hailong_analysis::scores::Measure;

use crate::dashboards::{answer, library_report, value_of};
use crate::helpers::{spawn_app, PASSWORD};

#[tokio::test]
async fn anyone_reads_ended_periods_scores_without_comments_or_small_groups() {
    let app = spawn_app().await;
    answer(&app, "AG-X-OCEO", 6, "4", "Cán bộ rất tận tình").await;
    answer(&app, "AG-P-RACHGIA", 2, "2", "Một góp ý riêng tư").await;
    // Ôc Eo was formed in the 2025 reform from a former commune.
    app.add_former_commune(
        "AG2020-X-VONGTHE",
        "Ủy ban nhân dân xã Vọng Thê",
        "AG-X-OCEO",
    );
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    // The public pages read the computed reports: wait until they are current.
    app.current_page("/dashboard/province?period=2026-Q2").await;
    let library = library_report(&app, Kind::Quarter, 5).await;
    let shown = value_of(&library, "2026-Q2", "AG-X-OCEO", Measure::SatIndex).unwrap();

    let anyone = app.another_client();
    let get = |path: &'static str| {
        let (client, address) = (anyone.clone(), app.address.clone());
        async move { client.get(format!("{address}{path}")).send().await.unwrap() }
    };
    let page = get("/cong-khai?period=2026-Q2").await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    let page = page.text().await.unwrap();
    assert!(
        page.contains(&number(Lang::VI, shown, 1)),
        "the dashboards' number:\n{page}"
    );
    assert!(page.contains("lang=\"vi\""));
    assert!(
        !page.contains("Cán bộ rất tận tình"),
        "no comment is public"
    );
    assert!(!page.contains("Một góp ý riêng tư"));
    assert!(
        page.contains("1 cơ quan không được công bố"),
        "Rạch Giá's two responses are not published"
    );
    let english = get("/en/public?period=2026-Q2").await.text().await.unwrap();
    assert!(english.contains(&number(Lang::EN, shown, 1)) && english.contains("lang=\"en\""));

    let csv = get("/open-data/scores.csv").await;
    assert!(csv.headers()["link"].to_str().unwrap().contains("license"));
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("period,period_kind,agency_code,agency_name_vi,agency_name_en,level,sat_index,sat_index_ci_low,sat_index_ci_high,tier,sat_index_se,funnel_z,position,rank,rank_best,rank_worst,on_time_rate,responses\n"));
    assert!(csv.contains("2026-Q2,quarter,AG-X-OCEO,"));
    assert!(
        !csv.contains("AG-P-RACHGIA"),
        "a suppressed group is no open datum"
    );
    let json: serde_json::Value = get("/open-data/scores.json").await.json().await.unwrap();
    assert!(json["licence"].as_str().unwrap().starts_with("CC BY 4.0"));
    let row = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["agency_code"] == "AG-X-OCEO" && r["period"] == "2026-Q2")
        .unwrap();
    // Published as the pages show it, to one decimal.
    assert!((row["sat_index"].as_f64().unwrap() - (shown * 10.0).round() / 10.0).abs() < 1e-9);

    let badge = get("/badge/AG-X-OCEO.svg").await;
    assert_eq!(
        badge.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    let badge = badge.text().await.unwrap();
    assert!(
        badge.starts_with("<?xml") && badge.contains("Hài lòng 2026-Q2"),
        "{badge}"
    );
    assert!(badge.contains(&format!("{}/100", number(Lang::VI, shown, 1))));
    let small = get("/badge/AG-P-RACHGIA.svg").await.text().await.unwrap();
    assert!(small.contains("chưa đủ dữ liệu"));
    assert_eq!(get("/badge/NO-SUCH.svg").await.status(), 404);
}
