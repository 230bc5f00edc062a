//! Pages saved from a browser in a form other than plain HTML or text: MHTML (Chrome's and
//! Edge's "Webpage, Single File", `.mhtml`/`.mht`), Safari's web archive (`.webarchive`), and
//! the asset folder (`NAME_files/`) that "Web Page, complete" writes beside `NAME.html`.
//!
//! Input: a file's bytes and path (or a path, for the asset folder). Output: the HTML an
//! MHTML file holds, with the address it was saved from, for the HTML path; the reason a web
//! archive or a broken MHTML file is not read; whether a path lies in an asset folder. The MIME
//! message is read with `mail-parser` (multipart, quoted-printable, base64, charsets).

use mail_parser::{MessageParser, MimeHeaders, PartType};
use std::path::{Path, PathBuf};

/// What kind of saved page the bytes of a file are, when they are not plain text or HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    /// A MIME `multipart/related` message holding the page's HTML and its resources.
    Mhtml,
    /// Safari's web archive: a binary property list.
    WebArchive,
}

/// What Safari offers instead of a web archive, in the reason a `.webarchive` is skipped.
const WEBARCHIVE_REASON: &str = "a Safari web archive (binary), which igf-lens does not read: \
     in Safari, save the page again with File > Save As… and Format: Page Source (a .html file)";

/// How many leading bytes are looked at to tell a MIME message.
const HEAD_BYTES: usize = 8 * 1024;

/// The kind of saved archive `bytes` (the start of the file at `path`, at least its first
/// 8 KiB when it has them) are, or `None` for any other file. MHTML is told by its content: a
/// header block whose `Content-Type` is `multipart/related` (any extension), or, for a file
/// named `.mhtml`/`.mht`, any header block with a `Content-Type` or `MIME-Version`. A web archive
/// is a binary property list (`bplist00`) named `.webarchive` or holding `WebMainResource`.
pub fn archive_kind(bytes: &[u8], path: &Path) -> Option<Archive> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"bplist00") {
        let named = ext == "webarchive";
        let marked = memchr::memmem::find(bytes, b"WebMainResource").is_some();
        return (named || marked).then_some(Archive::WebArchive);
    }
    let head = mime_head(bytes)?;
    let related = header_value(&head, "content-type").is_some_and(|v| {
        v.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/related")
    });
    let named = matches!(ext.as_str(), "mhtml" | "mht")
        && (header_value(&head, "content-type").is_some()
            || header_value(&head, "mime-version").is_some());
    (related || named).then_some(Archive::Mhtml)
}

/// The header block at the start of `bytes` (up to the first empty line, within
/// [`HEAD_BYTES`]), unfolded (continuation lines joined), when every line of it is a
/// `Name: value` header: `None` for anything else.
fn mime_head(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(HEAD_BYTES)];
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            return (!out.is_empty()).then_some(out);
        }
        if line.starts_with([' ', '\t']) && !out.is_empty() {
            out.push(' ');
            out.push_str(line.trim());
            continue;
        }
        let (name, _) = line.split_once(':')?;
        let is_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !is_name {
            return None;
        }
        out.push('\n');
        out.push_str(line);
    }
    None
}

/// The value of the header `name` (lower case) in an unfolded header block.
fn header_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then_some(v)
    })
}

/// The page an MHTML file holds: its HTML, decoded, and the address it was saved from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPage {
    pub html: String,
    /// `Snapshot-Content-Location` of the message, else the `Content-Location` of the HTML
    /// part, when it is a web address.
    pub url: Option<String>,
}

impl SavedPage {
    /// The HTML as Chrome writes a page it saves as "Webpage, Complete": the address it was
    /// saved from in a `<!-- saved from url=(NNNN)ADDRESS -->` comment first, which the HTML
    /// path reads when the page has no canonical link or `og:url`.
    pub fn into_html(self) -> String {
        match self.url {
            Some(url) => format!(
                "<!-- saved from url=({:04}){url} -->\n{}",
                url.len(),
                self.html
            ),
            None => self.html,
        }
    }
}

/// The first `text/html` part of an MHTML file, its transfer encoding (quoted-printable,
/// base64) and charset decoded. Errors: the reason the file cannot be read, with what to do.
pub fn read_mhtml(bytes: &[u8]) -> Result<SavedPage, String> {
    const AGAIN: &str = "save the page again (Save Page As… > Webpage, Single File, or \
                         Webpage, Complete for a .html file)";
    let message = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| format!("an MHTML file whose MIME message cannot be read: {AGAIN}"))?;
    let html = message.parts.iter().find_map(|part| match &part.body {
        PartType::Html(html) => Some((part, html)),
        _ => None,
    });
    let Some((part, html)) = html else {
        return Err(format!(
            "an MHTML file with no HTML page in it ({}): {AGAIN}",
            missing_html(&message)
        ));
    };
    let snapshot = message.header_raw("Snapshot-Content-Location");
    let url = snapshot
        .into_iter()
        .chain(part.content_location())
        .map(str::trim)
        .find(|u| {
            (u.starts_with("http://") || u.starts_with("https://"))
                && !u.contains(char::is_whitespace)
        })
        .map(str::to_string);
    Ok(SavedPage {
        html: html.to_string(),
        url,
    })
}

/// Why a MIME message holds no HTML part: its multipart body was not split (the boundary its
/// header names is not in it), or none of its parts is `text/html`.
fn missing_html(message: &mail_parser::Message<'_>) -> &'static str {
    let multipart = message
        .content_type()
        .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
    let split = matches!(
        message.parts.first().map(|p| &p.body),
        Some(PartType::Multipart(parts)) if !parts.is_empty()
    );
    if multipart && !split {
        "its parts cannot be told apart: the boundary its header names is not found in it, \
         so the file is damaged or was edited"
    } else {
        "none of its parts is `text/html`"
    }
}

/// The reason a Safari web archive is not read, with what to do instead.
pub fn webarchive_reason() -> &'static str {
    WEBARCHIVE_REASON
}

/// The asset folder of a page saved as "Web Page, complete" that `path` lies in: the nearest
/// directory above it named `NAME_files` with a `NAME.html` (`.htm`, `.xhtml`, `.shtml`) beside
/// it. `None` when there is none.
pub fn asset_folder(path: &Path) -> Option<PathBuf> {
    const PAGES: [&str; 4] = ["html", "htm", "xhtml", "shtml"];
    path.ancestors().skip(1).find_map(|dir| {
        let name = dir.file_name()?.to_str()?;
        let stem = name.strip_suffix("_files").filter(|s| !s.is_empty())?;
        let parent = dir.parent().unwrap_or(Path::new(""));
        PAGES
            .iter()
            .any(|ext| parent.join(format!("{stem}.{ext}")).is_file())
            .then(|| dir.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mhtml(part_headers: &str, body: &str) -> Vec<u8> {
        format!(
            "From: <Saved by Blink>\r\n\
             Snapshot-Content-Location: https://www.intgovforum.org/en/content/igf-2023-ws-9\r\n\
             Subject: IGF 2023 WS #9\r\n\
             MIME-Version: 1.0\r\n\
             Content-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\
             \tboundary=\"----MultipartBoundary--abc----\"\r\n\r\n\r\n\
             ------MultipartBoundary--abc----\r\n{part_headers}\r\n\r\n{body}\r\n\
             ------MultipartBoundary--abc----\r\n\
             Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\
             Content-Location: https://www.intgovforum.org/logo.png\r\n\r\niVBORw0KGgo=\r\n\
             ------MultipartBoundary--abc------\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn quoted_printable_html_is_decoded_with_the_snapshot_address() {
        let bytes = mhtml(
            "Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\
             Content-Location: https://www.intgovforum.org/elsewhere",
            "<p class=3D\"x\">It=E2=80=99s a long line that the browser wraps with a soft =\r\nbreak.</p>",
        );
        assert_eq!(
            archive_kind(&bytes, Path::new("a.bin")),
            Some(Archive::Mhtml)
        );
        let page = read_mhtml(&bytes).unwrap();
        assert_eq!(
            page.html,
            "<p class=\"x\">It\u{2019}s a long line that the browser wraps with a soft break.</p>"
        );
        assert_eq!(
            page.url.as_deref(),
            Some("https://www.intgovforum.org/en/content/igf-2023-ws-9")
        );
        assert!(page
            .into_html()
            .starts_with("<!-- saved from url=(0052)https://www.intgovforum.org/en/content/igf-2023-ws-9 -->\n<p"));
    }

    #[test]
    fn base64_html_in_a_declared_charset_is_decoded() {
        // "<p>Caf\xe9</p>" in ISO-8859-1, base64.
        let bytes = mhtml(
            "Content-Type: text/html; charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: base64",
            "PHA+Q2Fm6TwvcD4=",
        );
        assert_eq!(read_mhtml(&bytes).unwrap().html, "<p>Caf\u{e9}</p>");
    }

    #[test]
    fn an_mhtml_file_without_an_html_part_or_with_a_broken_boundary_has_a_reason() {
        let no_html = mhtml("Content-Type: text/css", "p { color: red }");
        let why = read_mhtml(&no_html).unwrap_err();
        assert!(
            why.contains("no HTML page in it (none of its parts"),
            "{why}"
        );
        assert!(why.contains("save the page again"), "{why}");
        let text = String::from_utf8(mhtml("Content-Type: text/html", "<p>x</p>")).unwrap();
        let broken = text.replace(
            "boundary=\"----MultipartBoundary--abc----\"",
            "boundary=\"zz\"",
        );
        let why = read_mhtml(broken.as_bytes()).unwrap_err();
        assert!(
            why.contains("the boundary its header names is not found"),
            "{why}"
        );
    }

    #[test]
    fn only_mime_headers_make_mhtml_and_a_bplist_needs_its_name_or_marker() {
        let p = Path::new("page.mhtml");
        assert_eq!(archive_kind(b"<html><body>x</body></html>", p), None);
        assert_eq!(archive_kind(b">> ANNA: Hello\n", p), None);
        assert_eq!(archive_kind(b"Title: a\nnot a header line\n\n", p), None);
        assert_eq!(
            archive_kind(b"MIME-Version: 1.0\nContent-Type: text/html\n\n<p>", p),
            Some(Archive::Mhtml)
        );
        assert_eq!(
            archive_kind(
                b"MIME-Version: 1.0\nContent-Type: text/html\n\n<p>",
                Path::new("a.txt")
            ),
            None
        );
        assert_eq!(
            archive_kind(b"bplist00\xd1\x01\x02", Path::new("p.webarchive")),
            Some(Archive::WebArchive)
        );
        assert_eq!(
            archive_kind(b"bplist00\xd1\x01\x02", Path::new("p.plist")),
            None
        );
        assert_eq!(
            archive_kind(b"bplist00\xd1WebMainResource", Path::new("p")),
            Some(Archive::WebArchive)
        );
    }

    #[test]
    fn files_of_a_saved_pages_asset_folder_are_told_by_the_page_beside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("ws_files/sub")).unwrap();
        std::fs::create_dir_all(root.join("lonely_files")).unwrap();
        std::fs::write(root.join("ws.htm"), "<p>x</p>").unwrap();
        assert_eq!(
            asset_folder(&root.join("ws_files/app.js")),
            Some(root.join("ws_files"))
        );
        assert_eq!(
            asset_folder(&root.join("ws_files/sub/a.css")),
            Some(root.join("ws_files"))
        );
        assert_eq!(asset_folder(&root.join("lonely_files/a.js")), None);
        assert_eq!(asset_folder(&root.join("ws.htm")), None);
    }

    proptest::proptest! {
        /// Any bytes: a kind or none, a page or a reason, never a panic.
        #[test]
        fn any_bytes_give_a_kind_and_a_page_or_a_reason(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let _ = archive_kind(&bytes, Path::new("x.mhtml"));
            let _ = read_mhtml(&bytes);
        }

        /// Any text with a header block: read or refused with a reason, never a panic.
        #[test]
        fn any_message_after_mime_headers_is_read_or_refused(body in "[ -~\r\n=]{0,400}") {
            let mut bytes = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n".to_vec();
            bytes.extend_from_slice(body.as_bytes());
            proptest::prop_assert_eq!(archive_kind(&bytes, Path::new("x")), Some(Archive::Mhtml));
            let _ = read_mhtml(&bytes);
        }
    }
}
