//! The languages of the service, as data: one Fluent catalogue per language under `locales/`
//! (`locales/<code>/*.ftl`, embedded at build time). Vietnamese comes first and is where every
//! text a catalogue lacks falls back to; English is second; every other catalogue found follows.
//! Adding a language is adding its catalogue (and the questionnaire's texts in it): no code.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static CATALOGUES = {
        locales: "./locales",
        fallback_language: "vi",
        // No Unicode isolation marks around placeables: the texts go into HTML attributes,
        // SMS (where every character counts) and e-mail, never into mixed-direction text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

struct Language {
    id: LanguageIdentifier,
    code: String,
    /// The language's name in itself, for the switch ("Tiếng Việt", "English", "ភាសាខ្មែរ").
    name: String,
    /// Whether it has the staff pages' catalogue (`locales/<code>/staff.ftl`, marked by its
    /// `staff-site` text).
    staff: bool,
}

/// Vietnamese, English, then the other catalogues by code.
static LANGUAGES: LazyLock<Vec<Language>> = LazyLock::new(|| {
    let mut ids: Vec<LanguageIdentifier> = CATALOGUES.locales().cloned().collect();
    ids.sort_by_key(|id| {
        let code = id.to_string();
        let rank = match code.as_str() {
            "vi" => 0,
            "en" => 1,
            _ => 2,
        };
        (rank, code)
    });
    let languages: Vec<Language> = ids
        .into_iter()
        .map(|id| Language {
            code: id.to_string(),
            name: CATALOGUES.lookup(&id, "language-name"),
            staff: CATALOGUES
                .lookup_single_language::<&str>(&id, "staff-site", None)
                .is_ok(),
            id,
        })
        .collect();
    assert!(
        languages.len() >= 2 && languages[0].code == "vi" && languages[1].code == "en",
        "locales/ must hold the vi and en catalogues"
    );
    assert!(
        languages.len() <= usize::from(u8::MAX),
        "too many catalogues"
    );
    languages
});

/// One of the catalogued languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(u8);

/// A value handed to a catalogue's text (`{ $minutes }`).
pub type TextArg<'a> = (&'static str, FluentValue<'a>);

impl Lang {
    pub const VI: Lang = Lang(0);
    pub const EN: Lang = Lang(1);

    /// The language's position among the catalogued ones (Vietnamese 0, English 1).
    pub fn index(self) -> u8 {
        self.0
    }

    fn language(self) -> &'static Language {
        &LANGUAGES[usize::from(self.0)]
    }

    /// Every language with a catalogue, Vietnamese first.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).map(|i| Lang(i as u8))
    }

    /// Whether this language has the staff pages' catalogue (`locales/<code>/staff.ftl`).
    pub fn has_staff_pages(self) -> bool {
        self.language().staff
    }

    /// A text of the staff catalogues, in this language or else in Vietnamese: a `&'static
    /// str`, kept after its first use (the staff pages read hundreds a page; each id and
    /// language is made once, and a lookup allocates nothing).
    pub fn staff_text(self, id: &'static str) -> &'static str {
        static MADE: LazyLock<std::sync::RwLock<HashMap<(u8, &'static str), &'static str>>> =
            LazyLock::new(Default::default);
        let key = (self.0, id);
        if let Some(text) = MADE.read().ok().and_then(|made| made.get(&key).copied()) {
            return text;
        }
        let text: &'static str = self.text(id).leak();
        if let Ok(mut made) = MADE.write() {
            return made.entry(key).or_insert(text);
        }
        text
    }

    pub fn code(self) -> &'static str {
        &self.language().code
    }

    /// The language's name in itself.
    pub fn name(self) -> &'static str {
        &self.language().name
    }

    pub fn parse(s: &str) -> Option<Self> {
        LANGUAGES
            .iter()
            .position(|l| l.code == s)
            .map(|i| Lang(i as u8))
    }

    /// The language an `Accept-Language` header prefers (highest q) among the catalogued
    /// ones, else Vietnamese.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map_or(Lang::VI, |(_, l)| l)
    }

    /// The staff pages' other language: Vietnamese and English swap; any other language's
    /// reader is offered Vietnamese.
    pub fn other(self) -> Self {
        if self == Lang::VI {
            Lang::EN
        } else {
            Lang::VI
        }
    }

    /// A name kept in the data in Vietnamese and English (agencies, procedures, fields):
    /// English for English, Vietnamese otherwise (the province's language, which a reader of a
    /// language without its own name reads before English).
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        if self == Lang::EN {
            en
        } else {
            vi
        }
    }

    /// A text of the catalogues, in this language or else in Vietnamese.
    pub fn text(self, id: &str) -> String {
        CATALOGUES.lookup(&self.language().id, id)
    }

    /// A text of the catalogues with its values filled in.
    pub fn text_with(self, id: &str, args: &[TextArg<'_>]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.clone()))
            .collect();
        CATALOGUES.lookup_with_args(&self.language().id, id, &args)
    }

    /// Whether this language's own catalogue has the text (no fallback); a text that names
    /// values has it too, though it cannot be said without them.
    pub fn has_text(self, id: &str) -> bool {
        match CATALOGUES.lookup_single_language::<&str>(&self.language().id, id, None) {
            Ok(_) => true,
            // Found but missing its values. (fluent-templates does not export its error type:
            // the variant is told by its message, "Fluent errors: …".)
            Err(e) => e.to_string().starts_with("Fluent errors"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_english_come_first_then_every_catalogue() {
        let codes: Vec<&str> = Lang::all().map(Lang::code).collect();
        assert_eq!(&codes[..2], ["vi", "en"]);
        assert!(codes.contains(&"km"), "{codes:?}");
        for lang in Lang::all() {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
        }
        assert_eq!(Lang::parse("fr"), None);
    }

    #[test]
    fn accept_language_picks_the_preferred_catalogued_language() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,vi;q=0.8"),
            Lang::EN
        );
        assert_eq!(Lang::from_accept_language("fr,vi;q=0.5,en;q=0.4"), Lang::VI);
        assert_eq!(
            Lang::from_accept_language("km-KH,km;q=0.9,vi;q=0.5").code(),
            "km"
        );
        assert_eq!(Lang::from_accept_language("de"), Lang::VI);
        assert_eq!(Lang::from_accept_language(""), Lang::VI);
    }

    #[test]
    fn a_text_with_values_has_no_isolation_marks() {
        let text = Lang::VI.text_with(
            "survey-length",
            &[("questions", 9.into()), ("minutes", 1.into())],
        );
        assert!(text.contains("9 câu hỏi"), "{text}");
        assert!(!text.contains('\u{2068}'), "{text:?}");
    }
}
