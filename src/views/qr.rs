//! QR codes as inline SVG: a receipt's survey link, a kiosk's enrolment link.

/// The QR code of `text` (error correction M, at least `min` px wide), or `None` when the text
/// is too long for a QR code.
pub fn svg(text: &str, min: u32) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(min, min)
            .build(),
    )
}
