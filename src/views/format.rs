//! Numbers as each language writes them: `84,1` in Vietnamese, `84.1` in English.

use super::i18n::Lang;

pub fn number(lang: Lang, value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
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
        assert_eq!(number(Lang::Vi, 84.1096, 1), "84,1");
        assert_eq!(number(Lang::En, 84.1096, 1), "84.1");
        assert_eq!(optional(Lang::Vi, None, 1), "—");
    }
}
