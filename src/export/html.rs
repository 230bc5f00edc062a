//! Small helpers shared by the HTML report's sections: escaping text, and a chart error.

use crate::error::Error;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A plotting backend's error as ours.
pub(crate) fn plot_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Other(format!("cannot draw chart: {e:?}"))
}
