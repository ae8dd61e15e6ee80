//! Numbers as each language writes them: `84,1` in Vietnamese, `84.1` in English.

use super::i18n::Lang;

pub fn number(lang: Lang, value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match lang {
        Lang::VI => text.replace('.', ","),
        _ => text,
    }
}

pub fn optional(lang: Lang, value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "—".to_owned(), |v| number(lang, v, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_language() {
        assert_eq!(number(Lang::VI, 84.1096, 1), "84,1");
        assert_eq!(number(Lang::EN, 84.1096, 1), "84.1");
        assert_eq!(optional(Lang::VI, None, 1), "—");
    }
}
