//! Text made safe for a terminal.
//!
//! Input: any `&str` about to be printed for people (the search table, concordance lines,
//! `show`, `speakers`, warnings on stderr). Output: the same text with every control character
//! other than tab and newline replaced by a visible stand-in, so nothing read from a transcript
//! or a file name can clear the screen (`ESC[2J`), set the window title (OSC, `ESC]0;…BEL`),
//! ring the bell or move the cursor. JSON and CSV never go through this: they keep the data,
//! escaped as their formats require.

use std::borrow::Cow;

/// Whether `c` is replaced by [`for_terminal`]: C0 controls except tab and newline, DEL, and
/// the C1 controls (U+0080–U+009F, which some terminals read as `ESC` sequences).
pub fn is_terminal_control(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || c == '\u{7F}'
}

/// The visible stand-in of a control character: its Unicode control picture for C0 and DEL
/// (`ESC` → `␛`, `BEL` → `␇`, CR → `␍`, DEL → `␡`), U+FFFD for C1. One character for one, so
/// widths counted in characters before or after stay the same.
fn stand_in(c: char) -> char {
    match u32::from(c) {
        n @ 0..=0x1F => char::from_u32(0x2400 + n).unwrap_or('\u{FFFD}'),
        0x7F => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

/// `s` with every [`is_terminal_control`] character replaced by its visible stand-in (an escape
/// sequence loses its `ESC`, and what follows it is printed as text). Borrowed when `s` has
/// none.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_terminal_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if is_terminal_control(c) {
                    stand_in(c)
                } else {
                    c
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_sequences_bells_and_c1_controls_become_visible() {
        let cases = [
            ("plain text, é and “quotes”", "plain text, é and “quotes”"),
            ("tab\tand\nnewline", "tab\tand\nnewline"),
            ("\x1b]0;pwned\x07Anna", "␛]0;pwned␇Anna"),
            ("\x1b[2Jclear", "␛[2Jclear"),
            ("bell\x07", "bell␇"),
            ("cr\rover", "cr␍over"),
            ("nul\0del\x7f", "nul␀del␡"),
            ("c1 csi\u{9b}2J", "c1 csi\u{FFFD}2J"),
        ];
        for (input, want) in cases {
            assert_eq!(for_terminal(input), want, "{input:?}");
        }
        assert!(matches!(for_terminal("clean"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn output_has_no_control_but_tab_and_newline_and_keeps_the_length(s in any::<String>()) {
            let out = for_terminal(&s);
            prop_assert!(!out.chars().any(is_terminal_control));
            prop_assert_eq!(out.chars().count(), s.chars().count());
        }
    }
}
