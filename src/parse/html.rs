//! Saved HTML pages → plain text, with scraper (html5ever): the main content only, entities
//! decoded, paragraph, line-break, list-item and heading breaks kept.
//!
//! Input: an HTML document as text. Output: text in the shape the session-page and transcript
//! parsers read (`<p>` → blank line, `<br>` → newline, `<li>` → `• item` line). Navigation,
//! site header and footer, scripts, styles, templates, noscript, forms, sidebars and hidden
//! elements are dropped. The main content is `<main>`, `[role=main]`, `<article>` or a known
//! content container, else `<body>`. When that content does not start with the session title,
//! the page's `<h1>` (or `<title>`) is put first. Deliberately no regular expressions over HTML.
//! Elements nested deeper than [`super::html_depth::MAX_NESTING`] lose their tags (their text
//! stays, a block's on lines of its own), so reading takes time linear in the page.

use scraper::{ElementRef, Html, Node, Selector};

use super::html_depth::cap_nesting;
use super::title::is_title_line;

/// Converts an HTML document to text. See the module docs.
pub fn html_to_text(html: &str) -> String {
    // Nesting capped first: html5ever's time grows with the square of the depth.
    let html = cap_nesting(html, |name| {
        PARAGRAPH.contains(&name) || LINE.contains(&name)
    });
    let doc = Html::parse_document(&html);
    let (root, site_level) = pick_root(&doc);
    let mut out = Out::default();
    if let Some(root) = root {
        walk(root, &mut out, site_level, false, 0);
    }
    let text = match canonical_url(&doc) {
        Some(url) => format!("# canonical: {url}\n{}", out.finish()),
        None => out.finish(),
    };
    let has_title = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .any(is_title_line);
    if !has_title {
        if let Some(title) = page_title(&doc) {
            return match text.split_once('\n') {
                Some((first, rest)) if first.starts_with("# canonical: ") => {
                    format!("{first}\n{title}\n\n{rest}")
                }
                _ => format!("{title}\n\n{text}"),
            };
        }
    }
    text
}

/// The page's canonical link (`<link rel="canonical" href>`), else its `og:url`, else the
/// address a browser noted it was saved from (`<!-- saved from url=(0071)https://… -->`, which
/// Chrome writes atop a page saved as "Webpage, Complete" and igf-lens atop the HTML of an MHTML
/// file), when it is a web address: what the provenance reader sees as a `# canonical:` line.
fn canonical_url(doc: &Html) -> Option<String> {
    [
        ("link[rel=canonical]", "href"),
        ("meta[property=\"og:url\"]", "content"),
    ]
    .into_iter()
    .find_map(|(css, attr)| {
        let sel = Selector::parse(css).ok()?;
        let el = doc.select(&sel).next()?;
        web_address(el.value().attr(attr)?)
    })
    .or_else(|| saved_from(doc))
}

/// A value that is a web address (`http://`, `https://`, no space in it), trimmed.
fn web_address(v: &str) -> Option<String> {
    let v = v.trim();
    (v.starts_with("http://") || v.starts_with("https://"))
        .then(|| v.to_string())
        .filter(|v| !v.contains(char::is_whitespace))
}

/// The address of a `saved from url=(NNNN)ADDRESS` comment before the page's `<html>`.
fn saved_from(doc: &Html) -> Option<String> {
    doc.tree.root().children().find_map(|node| {
        let Node::Comment(c) = node.value() else {
            return None;
        };
        let rest = c.trim().strip_prefix("saved from url=(")?;
        let (_, url) = rest.split_once(')')?;
        web_address(url)
    })
}

/// The element holding the main content, and whether it is the whole body (then the site
/// header and footer are dropped too).
fn pick_root(doc: &Html) -> (Option<ElementRef<'_>>, bool) {
    const MAIN: [&str; 7] = [
        "main",
        "[role=main]",
        "article",
        "#content",
        "#main-content",
        ".region-content",
        ".node__content",
    ];
    for css in MAIN {
        let Ok(sel) = Selector::parse(css) else {
            continue;
        };
        if let Some(el) = doc.select(&sel).find(|el| visible_chars(el) >= 40) {
            return (Some(el), false);
        }
    }
    let body = Selector::parse("body")
        .ok()
        .and_then(|sel| doc.select(&sel).next());
    (body.or(Some(doc.root_element())), true)
}

/// Non-space characters of an element's text.
fn visible_chars(el: &ElementRef<'_>) -> usize {
    el.text()
        .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
        .sum()
}

/// The `<h1>` text, else the `<title>` text without the site name.
fn page_title(doc: &Html) -> Option<String> {
    for css in ["h1", "title"] {
        let sel = Selector::parse(css).ok()?;
        if let Some(el) = doc.select(&sel).next() {
            let text: String = el.text().collect::<Vec<_>>().join(" ");
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let text = text.split(" | ").next().unwrap_or("").trim().to_string();
            if is_title_line(&text) {
                return Some(text);
            }
        }
    }
    None
}

/// Elements never read.
const SKIP: [&str; 22] = [
    "script", "style", "template", "noscript", "nav", "form", "aside", "svg", "iframe", "button",
    "select", "head", "title", "meta", "link", "object", "canvas", "input", "textarea", "dialog",
    "menu", "math",
];

/// Elements that open a paragraph (blank line before and after).
const PARAGRAPH: [&str; 20] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "main",
    "table",
    "ul",
    "ol",
    "dl",
    "pre",
    "figure",
    "hr",
    "address",
    "details",
];

/// Elements that open a line.
const LINE: [&str; 9] = [
    "div",
    "li",
    "tr",
    "dt",
    "dd",
    "caption",
    "figcaption",
    "summary",
    "header",
];

/// Class or id words of page furniture.
const FURNITURE: [&str; 12] = [
    "breadcrumb",
    "sidebar",
    "menu",
    "share",
    "social",
    "cookie",
    "skip-link",
    "visually-hidden",
    "sr-only",
    "element-invisible",
    "pager",
    "toolbar",
];

fn is_hidden(el: &ElementRef<'_>) -> bool {
    let v = el.value();
    if v.attr("hidden").is_some() || v.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = v.attr("style") {
        let s = style.replace(' ', "").to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    let names = format!(
        "{} {}",
        v.attr("class").unwrap_or(""),
        v.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    names
        .split(|c: char| c.is_whitespace())
        .any(|n| FURNITURE.iter().any(|f| n.contains(f)))
}

/// Nesting depth past which an element's text is taken flat (no recursion), so a
/// pathologically deep document cannot overflow the stack.
const MAX_DEPTH: usize = 200;

/// Writes the text of `el` into `out`.
fn walk(el: ElementRef<'_>, out: &mut Out, site_level: bool, pre: bool, depth: usize) {
    if depth > MAX_DEPTH {
        for t in el.text() {
            out.text(t, pre);
        }
        return;
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.text(t, pre),
            Node::Element(e) => {
                let name = e.name();
                let Some(child_el) = ElementRef::wrap(child) else {
                    continue;
                };
                if SKIP.contains(&name)
                    || (site_level && name == "header")
                    || name == "footer"
                    || is_hidden(&child_el)
                {
                    continue;
                }
                if name == "br" {
                    out.newline(1);
                    continue;
                }
                let breaks = if PARAGRAPH.contains(&name) {
                    2
                } else if LINE.contains(&name) {
                    1
                } else {
                    0
                };
                out.newline(breaks);
                if name == "li" {
                    out.text("• ", true);
                }
                if name == "td" || name == "th" {
                    out.space();
                }
                walk(child_el, out, site_level, pre || name == "pre", depth + 1);
                out.newline(breaks);
            }
            _ => {}
        }
    }
}

/// Text being assembled with pending breaks.
#[derive(Default)]
struct Out {
    buf: String,
    /// Newlines owed before the next text.
    pending: usize,
    /// A collapsed space owed before the next text.
    space: bool,
}

impl Out {
    fn newline(&mut self, n: usize) {
        if n > 0 {
            self.pending = self.pending.max(n);
            self.space = false;
        }
    }

    fn space(&mut self) {
        self.space = true;
    }

    fn text(&mut self, t: &str, pre: bool) {
        if pre {
            self.flush_breaks();
            self.buf.push_str(t);
            return;
        }
        // HTML collapses ASCII whitespace only; a no-break space is text.
        let mut first = true;
        for word in t.split(|c: char| c.is_ascii_whitespace()) {
            if word.is_empty() {
                if first {
                    self.space = true;
                }
                first = false;
                continue;
            }
            if !first {
                self.space = true;
            }
            self.flush_breaks();
            if self.space && !self.buf.is_empty() && !self.buf.ends_with(['\n', ' ']) {
                self.buf.push(' ');
            }
            self.space = false;
            self.buf.push_str(word);
            first = false;
        }
        if t.ends_with(|c: char| c.is_ascii_whitespace()) {
            self.space = true;
        }
    }

    fn flush_breaks(&mut self) {
        if self.pending > 0 && !self.buf.is_empty() {
            while self.buf.ends_with(' ') {
                self.buf.pop();
            }
            let have = self.buf.len() - self.buf.trim_end_matches('\n').len();
            for _ in have..self.pending {
                self.buf.push('\n');
            }
            self.space = false;
        }
        self.pending = 0;
    }

    fn finish(self) -> String {
        let mut s = self.buf.trim().to_string();
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn canonical_link_or_og_url_becomes_a_canonical_line_first() {
        let canonical = r#"<html><head><link rel="canonical" href="https://example.org/content/igf-2030-ws-5-x">
            <meta property="og:url" content="https://example.org/other"><title>IGF 2030 WS #5 X | IGF</title></head>
            <body><main><p>Speaker 1: Ana Lee, Civil Society, African Group</p></main></body></html>"#;
        let text = html_to_text(canonical);
        assert!(
            text.starts_with("# canonical: https://example.org/content/igf-2030-ws-5-x\n"),
            "{text}"
        );
        let og = r#"<html><head><meta property="og:url" content="https://example.org/y"></head>
            <body><main><p>Speaker 1: Ana Lee, Civil Society, African Group</p></main></body></html>"#;
        assert!(html_to_text(og).starts_with("# canonical: https://example.org/y\n"));
        let relative = r#"<html><head><link rel="canonical" href="/node/5"></head>
            <body><main><p>Speaker 1: Ana Lee, Civil Society, African Group</p></main></body></html>"#;
        assert!(!html_to_text(relative).contains("canonical"));
    }

    #[test]
    fn a_saved_from_url_comment_is_the_address_when_the_page_names_none() {
        let saved = "<!-- saved from url=(0047)https://www.intgovforum.org/en/content/igf-x -->\n\
            <html><body><main><p>Speaker 1: Ana Lee, Civil Society, African Group</p></main></body></html>";
        assert!(html_to_text(saved)
            .starts_with("# canonical: https://www.intgovforum.org/en/content/igf-x\n"));
        let both = saved.replace(
            "<html>",
            "<html><head><link rel=\"canonical\" href=\"https://example.org/c\"></head>",
        );
        assert!(html_to_text(&both).starts_with("# canonical: https://example.org/c\n"));
        let not_web =
            "<!-- saved from url=(0014)about:internet -->\n<html><body><p>x</p></body></html>";
        assert!(!html_to_text(not_web).contains("# canonical"));
    }

    #[test]
    fn keeps_main_content_breaks_and_entities() {
        let html = r#"<!DOCTYPE html><html><head><title>IGF 2023 WS #1 A &amp; B | IGF</title>
            <style>p{color:red}</style><script>var x = "&gt;&gt; NOT: speech";</script></head>
            <body><header><nav><a href="/">Home</a></nav></header>
            <main><h1>IGF 2023 WS #1 A &amp; B</h1>
            <p>&gt;&gt; ANNA LEE:  First&nbsp;line<br>second line</p>
            <p>&gt;&gt; BO:  Caf&eacute; <b>bold</b> text.</p>
            <ul><li>one</li><li>two</li></ul>
            <template><p>hidden</p></template><noscript>no</noscript>
            <form><label>Search</label></form><div hidden>gone</div></main>
            <footer>Copyright</footer></body></html>"#;
        assert_eq!(
            html_to_text(html),
            "IGF 2023 WS #1 A & B\n\n>> ANNA LEE: First\u{a0}line\nsecond line\n\n\
             >> BO: Caf\u{e9} bold text.\n\n• one\n• two\n"
        );
    }

    #[test]
    fn puts_the_h1_first_when_content_lacks_the_title() {
        let html = "<html><body><h1>IGF 2022 WS #9 Something</h1><div id=\"content\">\
            <p>Speaker 1: Ann Lee, Civil Society, African Group and more words here</p></div></body></html>";
        assert_eq!(
            html_to_text(html),
            "IGF 2022 WS #9 Something\n\nSpeaker 1: Ann Lee, Civil Society, African Group and more words here\n"
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let html = format!(
            "<html><body>{}<p>deep text</p>{}</body></html>",
            "<div>".repeat(20_000),
            "</div>".repeat(20_000)
        );
        assert_eq!(html_to_text(&html), "deep text\n");
    }

    /// 100,000 nested `<div>`s (issue 16): the turns inside still come out one per line.
    /// Reading such a page took quadratic time; the test holds the output, not the time.
    #[test]
    fn a_very_deep_page_still_gives_its_turns_line_by_line() {
        const DEPTH: usize = 100_000;
        let html = format!(
            "<html><body><h1>IGF 2023 WS #5 Deep pages</h1>{}<p>&gt;&gt; ANNA LEE:  The draft \
             could criminalise research.</p><p>&gt;&gt; BO KIM:  Oversight matters.</p>\
             <ul><li>one</li><li>two</li></ul>{}<p>After the divs.</p></body></html>",
            "<div>".repeat(DEPTH),
            "</div>".repeat(DEPTH)
        );
        let text = html_to_text(&html);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines,
            [
                "IGF 2023 WS #5 Deep pages",
                ">> ANNA LEE: The draft could criminalise research.",
                ">> BO KIM: Oversight matters.",
                "• one",
                "• two",
                "After the divs.",
            ]
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = html_to_text(&s);
        }
    }
}
