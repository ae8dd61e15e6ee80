//! The pages' charts as pictures for the report: the SVG a page draws (`views::charts`),
//! given the page's chart colours and a serif face, rasterised with resvg to PNG at print
//! resolution.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// The stylesheet rules a chart needs outside the page (static/style.css, charts part).
const CHART_STYLE: &str =
    "text{font-family:'Liberation Serif','Times New Roman','DejaVu Serif',serif;\
font-size:12px;fill:#1a1a1a}\
circle{stroke:#1a1a1a;stroke-width:1}\
circle.pos-above{fill:#15803d}circle.pos-in-line{fill:#9ca3af}circle.pos-below{fill:#b91c1c}";

/// Pixels per SVG unit: 640 units drawn 15.5 cm wide come out near 250 dpi.
const SCALE: f32 = 4.0;

/// The machine's fonts, read once (the report is written from a blocking thread).
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = usvg::fontdb::Database::new();
        fonts.load_system_fonts();
        usvg::Options {
            fontdb: Arc::new(fonts),
            ..usvg::Options::default()
        }
    })
}

/// A chart as a picture: PNG bytes and its size in SVG units (width, height); `None` when the
/// markup holds no SVG or it cannot be drawn.
pub fn png(markup: &str) -> Option<(Vec<u8>, f32, f32)> {
    let start = markup.find("<svg")?;
    let end = markup[start..].find("</svg>")? + start + "</svg>".len();
    let svg = &markup[start..end];
    // The view box says the size; a page's `width="100%"` means nothing here.
    let view_box = svg.split("viewBox=\"").nth(1)?.split('"').next()?;
    let sizes: Vec<f32> = view_box
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let (width, height) = (*sizes.get(2)?, *sizes.get(3)?);
    let open_end = svg.find('>')?;
    let standalone = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{view_box}\" width=\"{width}\" \
         height=\"{height}\"><style>{CHART_STYLE}</style>{}",
        &svg[open_end + 1..]
    );
    let tree = usvg::Tree::from_str(&standalone, options()).ok()?;
    let mut pixmap = tiny_skia::Pixmap::new(
        (width * SCALE).ceil() as u32,
        (height * SCALE).ceil() as u32,
    )?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    Some((pixmap.encode_png().ok()?, width, height))
}
