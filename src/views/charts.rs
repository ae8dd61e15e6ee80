//! Small charts as inline SVG: no script, no image requests, readable on a phone.

use maud::{html, Markup};

use hailong_analysis::fair::{funnel_limits, Z998};
use hailong_analysis::stats::Z95;

use super::format::number;
use super::i18n::Lang;
use super::standing::position_class;
use crate::domain::standing::Funnel;

pub struct Bar<'a> {
    pub label: &'a str,
    pub value: Option<f64>,
    pub median: Option<f64>,
    pub best: Option<f64>,
}

/// Horizontal bars on a 1-10 scale, with the province median (dark tick) and the best agency
/// (outlined tick).
pub fn bars(lang: Lang, title: &str, bars: &[Bar<'_>]) -> Markup {
    let (width, row, left) = (760.0, 34.0, 340.0);
    let height = row * bars.len() as f64 + 10.0;
    let x = |v: f64| left + (v - 1.0).clamp(0.0, 9.0) / 9.0 * (width - left - 50.0);
    html! {
        // Never narrower than drawn: on a phone the chart scrolls in its box rather than
        // shrinking its 12 px text.
        div.scroll tabindex="0" role="region" aria-label=(title) {
        svg.bars viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) width="100%" {
            title { (title) }
            @for (i, b) in bars.iter().enumerate() {
                @let y = i as f64 * row + 6.0;
                text x="0" y=(y + 16.0) { (b.label) }
                rect x=(left) y=(y) width=(width - left - 50.0) height="20" fill="#eef0f3" {}
                @if let Some(v) = b.value {
                    rect x=(left) y=(y) width=(x(v) - left) height="20" fill="#9b1c1c" {}
                    text x=(x(v) + 6.0) y=(y + 15.0) { (number(lang, v, 2)) }
                }
                @if let Some(m) = b.median {
                    rect x=(x(m) - 1.5) y=(y - 3.0) width="3" height="26" fill="#1a1a1a" {}
                }
                @if let Some(best) = b.best {
                    rect x=(x(best) - 2.0) y=(y - 3.0) width="4" height="26" fill="none" stroke="#1d4ed8" stroke-width="1.5" {}
                }
            }
        }
    }
    }
}

pub use crate::domain::dashboard::Point;

/// Runs of consecutive points with a value and the same `kind`: a line joins the points of a
/// run and stops at a gap (or where the kind changes) rather than join across it.
fn runs<K: PartialEq>(points: impl Iterator<Item = (bool, K)>) -> Vec<Vec<usize>> {
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut last: Option<(usize, K)> = None;
    for (i, (shown, kind)) in points.enumerate() {
        if !shown {
            continue;
        }
        match (runs.last_mut(), &last) {
            (Some(run), Some((at, previous))) if *at + 1 == i && *previous == kind => run.push(i),
            _ => runs.push(vec![i]),
        }
        last = Some((i, kind));
    }
    runs
}

/// A line over periods with its interval as a band; gaps where a value is not shown.
pub fn trend(lang: Lang, title: &str, points: &[Point], min: f64, max: f64) -> Markup {
    let (width, height, pad) = (640.0, 220.0, 36.0);
    let step = if points.len() > 1 {
        (width - 2.0 * pad) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| pad + i as f64 * step;
    let y = |v: f64| {
        height - pad - (v - min).clamp(0.0, max - min) / (max - min) * (height - 2.0 * pad)
    };
    // The lineage (§13) and the unit's own values are never joined either.
    let runs = runs(points.iter().map(|p| (p.value.is_some(), p.lineage)));
    let at = |i: usize, v: f64| format!("{:.1},{:.1}", x(i), y(v));
    // (points, drawn as lineage)
    let lines: Vec<(String, bool)> = runs
        .iter()
        .filter(|run| run.len() > 1)
        .map(|run| {
            (
                run.iter()
                    .filter_map(|&i| points[i].value.map(|v| at(i, v)))
                    .collect::<Vec<_>>()
                    .join(" "),
                points[run[0]].lineage,
            )
        })
        .collect();
    let any_lineage = points.iter().any(|p| p.lineage && p.value.is_some());
    let bands: Vec<String> = runs
        .iter()
        .filter(|run| run.len() > 1 && run.iter().all(|&i| points[i].interval.is_some()))
        .map(|run| {
            let upper = run
                .iter()
                .filter_map(|&i| points[i].interval.map(|(_, h)| at(i, h)));
            let lower = run
                .iter()
                .rev()
                .filter_map(|&i| points[i].interval.map(|(l, _)| at(i, l)));
            upper.chain(lower).collect::<Vec<_>>().join(" ")
        })
        .collect();
    html! {
        div.scroll tabindex="0" role="region" aria-label=(title) {
        svg.trend viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) width="100%" {
            title { (title) }
            line x1=(pad) y1=(height - pad) x2=(width - pad) y2=(height - pad) stroke="#767d87" {}
            text x="0" y=(y(max) + 4.0) { (number(lang, max, 0)) }
            text x="0" y=(y(min) + 4.0) { (number(lang, min, 0)) }
            @for band in &bands {
                polygon points=(band) fill="#9b1c1c" fill-opacity="0.15" {}
            }
            @for (line, lineage) in &lines {
                @if *lineage {
                    polyline points=(line) fill="none" stroke="#6b7280" stroke-width="2" stroke-dasharray="6 4" {}
                } @else {
                    polyline points=(line) fill="none" stroke="#9b1c1c" stroke-width="2.5" {}
                }
            }
            @for (i, p) in points.iter().enumerate() {
                @if let Some(v) = p.value {
                    @if p.lineage {
                        circle cx=(x(i)) cy=(y(v)) r="3.5" fill="#fff" stroke="#6b7280" stroke-width="2" {}
                    } @else {
                        circle cx=(x(i)) cy=(y(v)) r="3.5" fill="#9b1c1c" {}
                    }
                    text x=(x(i) - 14.0) y=(y(v) - 10.0) { (number(lang, v, 1)) }
                }
                text x=(x(i) - 22.0) y=(height - 12.0) { (p.label) }
            }
        }
        }
        @if any_lineage {
            p.flag.legend { (lang.staff_text("staff-charts-dashed-the-predecessors-numbers-from-before")) }
        }
    }
}

/// One province's values, year by year (`None`: not scored that year).
pub struct YearSeries<'a> {
    pub name: &'a str,
    pub values: Vec<Option<f64>>,
}

/// The vertical scale of a yearly chart: its range, whether it runs downwards (a rank: 1 at
/// the top), and a target drawn as a dashed line with its label.
pub struct YearScale<'a> {
    pub min: f64,
    pub max: f64,
    pub downwards: bool,
    pub target: Option<(f64, &'a str)>,
    pub decimals: usize,
}

/// Values by year, one line per province (red circles, blue squares: told apart without
/// colour too); a year a province was not scored is a gap.
pub fn yearly(
    lang: Lang,
    title: &str,
    years: &[i64],
    series: &[YearSeries<'_>],
    scale: &YearScale<'_>,
) -> Markup {
    let (width, height, pad, top) = (640.0, 240.0, 36.0, 28.0);
    let step = if years.len() > 1 {
        (width - 2.0 * pad) / (years.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| pad + i as f64 * step;
    let span = (scale.max - scale.min).max(f64::EPSILON);
    let y = |v: f64| {
        let share = (v - scale.min).clamp(0.0, span) / span;
        let share = if scale.downwards { share } else { 1.0 - share };
        top + share * (height - pad - top)
    };
    let colours = ["#9b1c1c", "#1d4ed8"];
    let lines = |values: &[Option<f64>]| -> Vec<String> {
        runs(values.iter().map(|v| (v.is_some(), ())))
            .into_iter()
            .filter(|run| run.len() > 1)
            .map(|run| {
                run.iter()
                    .filter_map(|&i| values[i].map(|v| format!("{:.1},{:.1}", x(i), y(v))))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    html! {
        div.scroll tabindex="0" role="region" aria-label=(title) {
        svg.trend viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) width="100%" {
            title { (title) }
            @if let Some((target, label)) = scale.target {
                line x1=(pad) y1=(y(target)) x2=(width - pad) y2=(y(target)) stroke="#1a1a1a" stroke-dasharray="6 4" {}
                text x=(width - pad - 150.0) y=(y(target) - 6.0) { (label) }
            }
            text x="0" y=(y(scale.min) + 4.0) { (number(lang, scale.min, 0)) }
            text x="0" y=(y(scale.max) + 4.0) { (number(lang, scale.max, 0)) }
            @for (k, s) in series.iter().enumerate() {
                @let colour = colours[k % colours.len()];
                @for line in lines(&s.values) {
                    polyline points=(line) fill="none" stroke=(colour) stroke-width="2.5" {}
                }
                @for (i, v) in s.values.iter().enumerate() {
                    @if let Some(v) = v {
                        @if k % 2 == 0 {
                            circle cx=(x(i)) cy=(y(*v)) r="4" fill=(colour) { title { (years[i]) ": " (number(lang, *v, scale.decimals)) } }
                        } @else {
                            rect x=(x(i) - 4.0) y=(y(*v) - 4.0) width="8" height="8" fill=(colour) { title { (years[i]) ": " (number(lang, *v, scale.decimals)) } }
                        }
                    }
                }
                text x=(pad + 180.0 * k as f64) y="14" fill=(colour) { (if k % 2 == 0 { "● " } else { "■ " }) (s.name) }
            }
            @for (i, year) in years.iter().enumerate() {
                @if i % 2 == 0 || years.len() <= 10 {
                    text x=(x(i) - 16.0) y=(height - 12.0) { (year) }
                }
            }
        }
        }
    }
}

/// A level's funnel plot (METHODOLOGY §14): each agency's index against its effective sample
/// size, the level's median across, and the 95 % (solid) and 99.8 % (dashed) limits narrowing
/// as the sample grows. Each point is a link to the agency's page, named on hover and focus;
/// `table` under it says the same for screen readers and phones.
pub fn funnel(lang: Lang, title: &str, f: &Funnel, href: impl Fn(&str) -> String) -> Markup {
    let (width, height, left, bottom, top) = (640.0, 300.0, 44.0, 36.0, 12.0);
    let right = 16.0;
    let max_n = f.points.iter().map(|p| p.n_eff).fold(1.0_f64, f64::max) * 1.05;
    let min_n = f
        .points
        .iter()
        .map(|p| p.n_eff)
        .fold(max_n, f64::min)
        .max(1.0)
        * 0.8;
    // The vertical scale holds every point and the 95 % limits at the smallest sample.
    let (low95, high95) = funnel_limits(f.centre, f.spread, min_n, Z95);
    let lowest = f.points.iter().map(|p| p.sat_index).fold(low95, f64::min);
    let highest = f.points.iter().map(|p| p.sat_index).fold(high95, f64::max);
    let (min_y, max_y) = (
        (lowest - 2.0).clamp(0.0, 100.0).floor(),
        (highest + 2.0).clamp(0.0, 100.0).ceil(),
    );
    let span = (max_y - min_y).max(1.0);
    let x = |n: f64| left + n / max_n * (width - left - right);
    let y = |v: f64| top + (max_y - v.clamp(min_y, max_y)) / span * (height - top - bottom);
    let curve = |z: f64, upper: bool| {
        (0..=40)
            .map(|k| {
                let n = min_n + (max_n - min_n) * f64::from(k) / 40.0;
                let (lo, hi) = funnel_limits(f.centre, f.spread, n, z);
                format!("{:.1},{:.1}", x(n), y(if upper { hi } else { lo }))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    html! {
        // Scrolled by keyboard through its focusable points (a focusable box around links
        // would nest one control in another).
        div.scroll {
        // A group, not an image: its points are links (an image hides its children).
        svg.funnel viewBox=(format!("0 0 {width} {height}")) role="group" aria-label=(title) width="100%" {
            title { (title) }
            line x1=(left) y1=(height - bottom) x2=(width - right) y2=(height - bottom) stroke="#767d87" {}
            line x1=(left) y1=(top) x2=(left) y2=(height - bottom) stroke="#767d87" {}
            text x="0" y=(y(max_y) + 4.0) { (number(lang, max_y, 0)) }
            text x="0" y=(y(min_y) + 4.0) { (number(lang, min_y, 0)) }
            text x=(left) y=(height - 8.0) { "0" }
            text x=(width - right - 40.0) y=(height - 8.0) { (number(lang, max_n, 0)) }
            text x=(left + 150.0) y=(height - 8.0) { (lang.staff_text("staff-standing-effective-sample")) " →" }
            line x1=(x(0.0)) y1=(y(f.centre)) x2=(width - right) y2=(y(f.centre)) stroke="#1a1a1a" {}
            @for upper in [true, false] {
                polyline points=(curve(Z95, upper)) fill="none" stroke="#374151" stroke-width="1.5" {}
                polyline points=(curve(Z998, upper)) fill="none" stroke="#374151" stroke-width="1.5" stroke-dasharray="6 4" {}
            }
            @for p in &f.points {
                a href=(href(&p.code)) {
                    circle class=(position_class(p.position)) cx=(format!("{:.1}", x(p.n_eff))) cy=(format!("{:.1}", y(p.sat_index))) r="5" {
                        title { (p.name) ": " (number(lang, p.sat_index, 1)) " · n_eff " (number(lang, p.n_eff, 1)) }
                    }
                }
            }
        }
        }
        p.flag.legend { (lang.staff_text("staff-standing-funnel-note")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[Option<f64>]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                label: format!("2026-Q{}", i + 1),
                value: *v,
                interval: v.map(|v| (v - 5.0, v + 5.0)),
                lineage: false,
            })
            .collect()
    }

    #[test]
    fn a_yearly_line_stops_where_a_province_was_not_scored() {
        let years: Vec<i64> = (2011..=2016).collect();
        let series = [YearSeries {
            name: "An Giang",
            values: vec![
                Some(10.0),
                Some(12.0),
                None,
                Some(20.0),
                Some(18.0),
                Some(15.0),
            ],
        }];
        let scale = YearScale {
            min: 1.0,
            max: 63.0,
            downwards: true,
            target: Some((20.0, "Mục tiêu: hạng 20")),
            decimals: 0,
        };
        let html = yearly(Lang::VI, "t", &years, &series, &scale).into_string();
        assert_eq!(html.matches("<polyline").count(), 2);
        assert_eq!(html.matches("<circle").count(), 5);
        assert!(html.contains("Mục tiêu: hạng 20"));
    }

    #[test]
    fn lineage_points_are_drawn_apart_and_never_joined_to_the_unit_s_own() {
        let mut points = points(&[Some(50.0), Some(55.0), Some(60.0), Some(70.0)]);
        points[0].lineage = true;
        points[1].lineage = true;
        let html = trend(Lang::VI, "t", &points, 0.0, 100.0).into_string();
        assert_eq!(html.matches("<polyline").count(), 2, "two runs, not one");
        assert_eq!(html.matches("stroke-dasharray").count(), 1);
        assert!(html.contains("đơn vị tiền thân"));
    }

    #[test]
    fn a_trend_stops_at_a_gap_rather_than_join_across_it() {
        let drawn = |values: &[Option<f64>]| {
            let html = trend(Lang::VI, "t", &points(values), 0.0, 100.0).into_string();
            (
                html.matches("<polyline").count(),
                html.matches("<polygon").count(),
            )
        };
        assert_eq!(
            drawn(&[Some(50.0), Some(55.0), None, Some(60.0), Some(70.0)]),
            (2, 2)
        );
        assert_eq!(drawn(&[Some(50.0), None, Some(60.0), Some(70.0)]), (1, 1));
        assert_eq!(
            drawn(&[Some(50.0), None, Some(60.0)]),
            (0, 0),
            "lone points stay dots"
        );
        assert_eq!(drawn(&[Some(50.0), Some(52.0), Some(60.0)]), (1, 1));
    }
}
