//! Small charts as inline SVG: no script, no image requests, readable on a phone.

use maud::{html, Markup};

use super::format::number;
use super::i18n::Lang;

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

pub struct Point {
    pub label: String,
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
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
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
        .collect();
    let upper: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.interval.map(|(_, h)| format!("{:.1},{:.1}", x(i), y(h))))
        .collect();
    let lower: Vec<String> = points
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, p)| p.interval.map(|(l, _)| format!("{:.1},{:.1}", x(i), y(l))))
        .collect();
    html! {
        div.scroll tabindex="0" role="region" aria-label=(title) {
        svg.trend viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(title) width="100%" {
            title { (title) }
            line x1=(pad) y1=(height - pad) x2=(width - pad) y2=(height - pad) stroke="#767d87" {}
            text x="0" y=(y(max) + 4.0) { (number(lang, max, 0)) }
            text x="0" y=(y(min) + 4.0) { (number(lang, min, 0)) }
            @if upper.len() > 1 {
                polygon points=(format!("{} {}", upper.join(" "), lower.join(" "))) fill="#9b1c1c" fill-opacity="0.15" {}
            }
            @if line.len() > 1 {
                polyline points=(line.join(" ")) fill="none" stroke="#9b1c1c" stroke-width="2.5" {}
            }
            @for (i, p) in points.iter().enumerate() {
                @if let Some(v) = p.value {
                    circle cx=(x(i)) cy=(y(v)) r="3.5" fill="#9b1c1c" {}
                    text x=(x(i) - 14.0) y=(y(v) - 10.0) { (number(lang, v, 1)) }
                }
                text x=(x(i) - 22.0) y=(height - 12.0) { (p.label) }
            }
        }
        }
    }
}
