//! HTML with its element nesting capped, before html5ever parses it.
//!
//! Input: an HTML document as text. Output: the same text, except that start and end tags
//! nested deeper than [`MAX_NESTING`] elements are taken out (a block element's become `<br>`,
//! so the lines inside stay apart), as browsers cap their trees (Chromium at 512). The text
//! itself is never touched. html5ever takes time quadratic in the depth (each `<div>` looks
//! through every open element): 100,000 nested `<div>`s took 17 s, and now take one pass.
//!
//! One linear scan: comments, doctypes and the contents of raw-text elements (`script`,
//! `style`, `textarea`, `title`, …) are passed over; void elements and elements whose end tag
//! may be left out (`p`, `li`, `td`, …, closed by the parser) do not count.

use std::borrow::Cow;
use std::collections::HashMap;

/// Elements kept open at once; the tags of deeper ones are taken out.
pub const MAX_NESTING: usize = 96;

/// Elements with no content.
const VOID: [&str; 18] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "frame", "basefont", "bgsound",
];

/// Elements whose end tag may be left out: the parser closes them, so they do not count.
const OPTIONAL_END: [&str; 21] = [
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc",
    "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
];

/// Elements whose content is text up to their end tag.
const RAW_TEXT: [&str; 9] = [
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// A tag as scanned: end tag or not, lower-case name, and the byte just after its `>`.
struct Tag {
    end: bool,
    name: String,
    after: usize,
}

/// Open elements kept, and the tags taken out, by name.
#[derive(Default)]
struct Nesting {
    open: Vec<String>,
    counts: HashMap<String, usize>,
    dropped: HashMap<String, usize>,
}

impl Nesting {
    /// Whether the tag stays in the text.
    fn keep(&mut self, tag: &Tag) -> bool {
        let n = &tag.name;
        if VOID.contains(&n.as_str()) || OPTIONAL_END.contains(&n.as_str()) {
            return true;
        }
        if !tag.end {
            if self.open.len() >= MAX_NESTING {
                *self.dropped.entry(n.clone()).or_default() += 1;
                return false;
            }
            self.open.push(n.clone());
            *self.counts.entry(n.clone()).or_default() += 1;
            return true;
        }
        if let Some(d) = self.dropped.get_mut(n).filter(|d| **d > 0) {
            *d -= 1;
            return false;
        }
        if self.counts.get(n).is_some_and(|c| *c > 0) {
            while let Some(top) = self.open.pop() {
                if let Some(c) = self.counts.get_mut(&top) {
                    *c -= 1;
                }
                if top == *n {
                    break;
                }
            }
        }
        true
    }
}

/// `html` with tags nested deeper than [`MAX_NESTING`] taken out; a taken-out tag of an element
/// for which `is_block` holds becomes `<br>`. Borrowed when nothing is that deep.
pub fn cap_nesting<'a>(html: &'a str, is_block: impl Fn(&str) -> bool) -> Cow<'a, str> {
    if memchr::memchr_iter(b'<', html.as_bytes()).count() <= MAX_NESTING {
        return Cow::Borrowed(html);
    }
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut nesting = Nesting::default();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + k;
        if let Some(after) = skip_markup(html, lt) {
            i = after;
            continue;
        }
        let Some(tag) = scan_tag(bytes, lt) else {
            i = lt + 1;
            continue;
        };
        i = tag.after;
        if !tag.end && RAW_TEXT.contains(&tag.name.as_str()) {
            i = raw_text_end(bytes, i, &tag.name);
            continue;
        }
        if !nesting.keep(&tag) {
            out.push_str(&html[copied..lt]);
            if is_block(&tag.name) {
                out.push_str("<br>");
            }
            copied = tag.after;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// A comment, doctype or processing instruction at `lt`: the byte after its end.
fn skip_markup(html: &str, lt: usize) -> Option<usize> {
    let rest = &html[lt..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        return Some(comment.find("-->").map_or(html.len(), |e| lt + 4 + e + 3));
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        return Some(memchr::memchr(b'>', rest.as_bytes()).map_or(html.len(), |e| lt + e + 1));
    }
    None
}

/// The tag starting at `lt` (`<name …>` or `</name …>`), `>` inside quoted attribute values
/// passed over; `None` when `<` does not open a tag.
fn scan_tag(bytes: &[u8], lt: usize) -> Option<Tag> {
    let mut j = lt + 1;
    let end = bytes.get(j) == Some(&b'/');
    if end {
        j += 1;
    }
    if !bytes.get(j).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let start = j;
    while j < bytes.len() && !matches!(bytes[j], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\x0C') {
        j += 1;
    }
    let name = String::from_utf8_lossy(&bytes[start..j]).to_ascii_lowercase();
    let mut quote: Option<u8> = None;
    let mut after_equals = false;
    while j < bytes.len() {
        let b = bytes[j];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'>' => {
                return Some(Tag {
                    end,
                    name,
                    after: j + 1,
                })
            }
            None if after_equals && (b == b'"' || b == b'\'') => quote = Some(b),
            None => {}
        }
        if quote.is_none() && !b.is_ascii_whitespace() {
            after_equals = b == b'=';
        }
        j += 1;
    }
    None
}

/// The byte after the end tag of raw-text element `name` whose content starts at `from` (the
/// end of the document when there is none, or for `plaintext`).
fn raw_text_end(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(k) = memchr::memmem::find(&bytes[i..], b"</") {
        let at = i + k + 2;
        let candidate = bytes.get(at..at + name.len());
        if name != "plaintext" && candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes()))
        {
            return memchr::memchr(b'>', &bytes[at..]).map_or(bytes.len(), |e| at + e + 1);
        }
        i = at;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(name: &str) -> bool {
        name == "div"
    }

    #[test]
    fn shallow_documents_are_untouched() {
        let html = "<html><body><div><p>a<br>b</p><script>if (a<b) {}</script></div></body></html>";
        assert!(matches!(cap_nesting(html, block), Cow::Borrowed(_)));
        let many = "<div>x</div>".repeat(500);
        assert!(matches!(cap_nesting(&many, block), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_tags_go_and_block_ones_become_line_breaks() {
        let depth = MAX_NESTING + 3;
        let html = format!(
            "{}<b>x</b>{}",
            "<div class=\"a>b\">".repeat(depth),
            "</div>".repeat(depth)
        );
        let kept = "<div class=\"a>b\">".repeat(MAX_NESTING);
        let want = format!(
            "{kept}<br><br><br>x<br><br><br>{}",
            "</div>".repeat(MAX_NESTING)
        );
        assert_eq!(cap_nesting(&html, block), want);
    }

    #[test]
    fn comments_raw_text_and_optional_end_tags_do_not_count() {
        let deep = MAX_NESTING + 1;
        let html = format!(
            "<!-- <div> -->{}<script>\"</div>\" <div></script><p>a<p>b{}",
            "<li>".repeat(deep),
            "<span>".repeat(MAX_NESTING - 1)
        );
        assert!(matches!(cap_nesting(&html, block), Cow::Borrowed(_)));
    }
}
