//! What counts as "no text": the one test every check of a required text uses (a dossier
//! item, a part of a notice, a refusal's reason, an annotation); and where in a JSON text
//! an error is.
//!
//! Text copied out of office documents often keeps invisible characters: zero-width
//! spaces (U+200B), word joiners (U+2060), byte-order marks (U+FEFF). They are Unicode
//! *format* characters (general category Cf), not white space, so `str::trim` keeps them
//! and a reason made only of them would count as given. A text is blank when every
//! character is white space or a format character.

/// Whether `text` says nothing: empty, or only white space and Unicode format characters
/// (general category Cf).
pub(crate) fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_format(c))
}

/// Whether `c` is in Unicode's general category Cf (format), as of Unicode 16.0. A test
/// compares this table with the Unicode Character Database for every code point.
pub(crate) fn is_format(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// The 1-based column of a JSON error. serde_json says column 0 when the text ends right
/// after a line break, or is empty; the error is then at the first column of that line.
pub(crate) fn json_column(e: &serde_json::Error) -> usize {
    e.column().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is the Unicode Character Database's category Cf, code point by code point.
    #[test]
    fn the_format_table_is_unicodes_category_cf() {
        use unicode_general_category::{GeneralCategory, get_general_category};
        let differ: Vec<String> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|&c| is_format(c) != (get_general_category(c) == GeneralCategory::Format))
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        assert!(differ.is_empty(), "differ: {differ:?}");
    }

    #[test]
    fn format_characters_and_white_space_are_blank() {
        for text in [
            "",
            " ",
            "\t\n",
            "\u{200B}",
            "\u{2060}",
            "\u{FEFF}",
            " \u{200B}\u{FEFF} ",
        ] {
            assert!(is_blank(text), "{text:?}");
        }
        for text in ["a", "\u{200B}x", "Lý do", "\u{00A0}."] {
            assert!(!is_blank(text), "{text:?}");
        }
    }
}
