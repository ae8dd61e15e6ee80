//! How a response was given. Like the dossier's channel it says how, never who, so it is kept
//! with the response and exported with it (`responses.csv`, column `mode`).

use super::language::Lang;
use super::text_enum;

text_enum! {
    /// `link`: a message's link or the receipt's QR code, on the citizen's own device;
    /// `kiosk`: the tablet at the agency's counter; `paper`: a paper form entered by staff.
    pub enum ResponseMode {
        Link => "link",
        Kiosk => "kiosk",
        Paper => "paper",
    }
}

impl ResponseMode {
    /// Its name in `lang`, as the dashboards say it.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Self::Link => lang.staff_text("staff-admin-link"),
            Self::Kiosk => lang.staff_text("staff-response-mode-kiosk"),
            Self::Paper => lang.staff_text("staff-response-mode-paper"),
        }
    }
}

/// Responses held or stored before modes were recorded all came through a link.
impl Default for ResponseMode {
    fn default() -> Self {
        Self::Link
    }
}
