//! Bytes → text: the encoding is guessed from the bytes alone (BOM, NUL pattern, UTF-8
//! validity), line endings are normalised to `\n`.
//!
//! Input: raw file bytes. Output: a `String`, or the reason the bytes are not text ("empty
//! file", "binary file …"). Accepts UTF-8 with or without BOM, UTF-16 LE/BE with BOM (and
//! without one when the NUL pattern is unmistakable), and falls back to Windows-1252 when the
//! bytes are not valid UTF-8 (only for the stray bytes when the rest is UTF-8). Deliberately does no Unicode normalisation: stored text stays as
//! written (matching-time folding lives in [`crate::text`]).

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many leading bytes are inspected to tell text from binary.
const SNIFF_BYTES: usize = 64 * 1024;

/// Decodes a file's bytes to text with `\n` line endings. Pure: no I/O.
///
/// Errors are short lowercase reasons meant to follow a path: `empty file`, `binary file`,
/// `binary file (looks like PDF): convert it to text first`.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    decode_vec(bytes.to_vec()).map(|d| d.text)
}

/// Decoded text, and the lines where NUL characters were dropped (damage, not binary data:
/// see [`binary_reason`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decoded {
    pub text: String,
    /// 1-based line numbers in `text`, ascending, each once.
    pub nul_lines: Vec<usize>,
}

/// [`decode`] on an owned buffer, so valid UTF-8 (the common case) is not copied; also tells
/// the lines NULs were dropped from.
pub(crate) fn decode_vec(mut bytes: Vec<u8>) -> Result<Decoded, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    let text = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        UTF_16LE
            .decode_without_bom_handling(&bytes[2..])
            .0
            .into_owned()
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        UTF_16BE
            .decode_without_bom_handling(&bytes[2..])
            .0
            .into_owned()
    } else if let Some(big_endian) = bomless_utf16(&bytes) {
        let enc = if big_endian { UTF_16BE } else { UTF_16LE };
        enc.decode_without_bom_handling(&bytes).0.into_owned()
    } else {
        if let Some(reason) = binary_reason(&bytes) {
            return Err(reason);
        }
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => decode_not_utf8(e.as_bytes()),
        }
    };
    let (text, nul_lines) = normalize_newlines(text);
    if text.trim().is_empty() {
        return Err("empty file (only whitespace)".into());
    }
    if control_share(&text, SNIFF_BYTES) > 0.02 {
        return Err("binary file".into());
    }
    Ok(Decoded { text, nul_lines })
}

/// Bytes that are not valid UTF-8. Mostly-UTF-8 text with a few stray bytes (a cut-and-paste
/// from another program in the middle of a transcript) keeps its UTF-8 characters, and each
/// stray byte is read as Windows-1252; otherwise the whole file is Windows-1252. Reading a
/// UTF-8 file with one bad byte as Windows-1252 would garble every accented name in it.
fn decode_not_utf8(bytes: &[u8]) -> String {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    if multibyte < invalid {
        return WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned();
    }
    let mut out = String::with_capacity(bytes.len() + invalid);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.push_str(&WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
    }
    out
}

/// Why `bytes` look like binary data, or `None` when they look like text.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "a ZIP archive or an Office document"),
        (b"\x89PNG", "PNG"),
        (b"GIF8", "GIF"),
        (b"\xFF\xD8\xFF", "JPEG"),
        (b"\x1F\x8B", "gzip"),
        (b"\xD0\xCF\x11\xE0", "an old Office document"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Some(format!(
                "binary file (looks like {what}): convert it to text first"
            ));
        }
    }
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let nul = count_nul(sample);
    let control = count_control(sample);
    // NULs count among the controls; other controls alone over the bound are binary.
    let binary = (control - nul) * 50 > sample.len()
        || ((nul * 100 > sample.len() || control * 50 > sample.len())
            && !damage_is_confined(sample));
    binary.then(|| "binary file".into())
}

/// Whether the control bytes of `sample` sit in a few damaged lines of text (a block of NULs a
/// disk or a copy left in a transcript) rather than all through it, as in binary data: the lines
/// without any hold at least half the bytes and outnumber the lines with some.
fn damage_is_confined(sample: &[u8]) -> bool {
    let (mut clean_bytes, mut clean_lines, mut damaged_lines) = (0usize, 0usize, 0usize);
    for line in sample.split(|&b| b == b'\n') {
        if count_control(line) == 0 {
            clean_bytes += line.len() + 1;
            clean_lines += usize::from(!line.is_empty());
        } else {
            damaged_lines += 1;
        }
    }
    clean_bytes * 2 >= sample.len() && clean_lines > damaged_lines
}

/// C0 controls other than tab, newline, form feed, carriage return and the old DOS end-of-file
/// mark, plus DEL.
fn is_control_byte(b: u8) -> bool {
    // Written without branches (`\t`..=`\r` are 9..=13) so counting loops vectorise.
    ((b < 0x20) & !((b.wrapping_sub(b'\t') <= b'\r' - b'\t') | (b == 0x1A))) | (b == 0x7F)
}

/// How many bytes of `bytes` are [`is_control_byte`].
fn count_control(bytes: &[u8]) -> usize {
    count_bytes(bytes, is_control_byte)
}

/// How many bytes of `bytes` are NUL.
fn count_nul(bytes: &[u8]) -> usize {
    if memchr::memchr(0, bytes).is_none() {
        return 0;
    }
    count_bytes(bytes, |b| b == 0)
}

/// How many bytes of `bytes` satisfy `pred`, counted in byte-wide lanes (blocks of 255, so a
/// lane never overflows) for the loop to vectorise well.
fn count_bytes(bytes: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(255)
        .map(|block| usize::from(block.iter().fold(0u8, |n, &b| n + u8::from(pred(b)))))
        .sum()
}

/// Share of control characters (as [`is_control_byte`]) among the first `max_chars` chars of
/// `text`.
fn control_share(text: &str, max_chars: usize) -> f64 {
    let bytes = text.as_bytes();
    let sample = &bytes[..bytes.len().min(max_chars)];
    // Control chars are ASCII, so they can be counted as bytes whenever the bytes counted are
    // those of the chars sampled.
    let (n, bad) = if sample.is_ascii() {
        (sample.len(), count_control(sample))
    } else if bytes.len() <= max_chars {
        (text.chars().count(), count_control(bytes))
    } else {
        let (mut n, mut bad) = (0usize, 0usize);
        for &b in bytes {
            // Only the first byte of each char counts; control chars are ASCII.
            if b & 0xC0 != 0x80 {
                if n == max_chars {
                    break;
                }
                n += 1;
                bad += usize::from(is_control_byte(b));
            }
        }
        (n, bad)
    };
    if n == 0 {
        0.0
    } else {
        bad as f64 / n as f64
    }
}

/// Detects UTF-16 without a BOM: almost every other byte NUL, on one side only, and the other
/// side mostly printable ASCII. Returns `Some(true)` for big-endian.
fn bomless_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    // Either side needs NULs in 70 % of the pairs: text without that many NULs is not UTF-16.
    if count_nul(sample) * 10 < pairs * 7 {
        return None;
    }
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even_nul += usize::from(pair[0] == 0);
        odd_nul += usize::from(pair[1] == 0);
    }
    if odd_nul * 10 >= pairs * 7 && even_nul * 20 <= pairs {
        Some(false)
    } else if even_nul * 10 >= pairs * 7 && odd_nul * 20 <= pairs {
        Some(true)
    } else {
        None
    }
}

/// CRLF and lone CR become `\n`; NUL characters are dropped, and the (1-based) lines they were
/// on come back with the text. Returns the input untouched when there is nothing to change.
fn normalize_newlines(text: String) -> (String, Vec<usize>) {
    let Some(first) = memchr::memchr2(b'\r', b'\0', text.as_bytes()) else {
        return (text, Vec::new());
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut nul_lines: Vec<usize> = Vec::new();
    let mut line = 1;
    // Both bytes are ASCII, so every cut below falls on a char boundary.
    let mut from = 0;
    let mut at = first;
    loop {
        let part = &text[from..at];
        line += memchr::memchr_iter(b'\n', part.as_bytes()).count();
        out.push_str(part);
        from = at + 1;
        if bytes[at] == b'\r' {
            out.push('\n');
            line += 1;
            if bytes.get(from) == Some(&b'\n') {
                from += 1;
            }
        } else if nul_lines.last() != Some(&line) {
            nul_lines.push(line);
        }
        match memchr::memchr2(b'\r', b'\0', &bytes[from..]) {
            Some(k) => at = from + k,
            None => break,
        }
    }
    out.push_str(&text[from..]);
    (out, nul_lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn control_bytes_are_the_documented_ones() {
        for b in 0..=255u8 {
            let want = (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | 0x1A))
                || b == 0x7F;
            assert_eq!(is_control_byte(b), want, "{b:#x}");
            assert_eq!(count_control(&[b, b]), 2 * usize::from(want));
            assert_eq!(count_nul(&[b, b]), 2 * usize::from(b == 0));
        }
    }

    /// The share of control characters among the first `max` characters, counted char by
    /// char: what [`control_share`] computes from bytes.
    fn share_by_chars(s: &str, max: usize) -> f64 {
        let chars: Vec<char> = s.chars().take(max).collect();
        let bad = chars
            .iter()
            .filter(|&&c| c.is_ascii() && is_control_byte(c as u8))
            .count();
        if chars.is_empty() {
            0.0
        } else {
            bad as f64 / chars.len() as f64
        }
    }

    #[test]
    fn control_share_counts_chars_not_bytes_on_long_text() {
        let ascii = "line\x01 of text\r\n".repeat(SNIFF_BYTES / 8);
        let mixed = "é\x02\u{2019}x\0\r".repeat(SNIFF_BYTES / 3);
        let late = format!("{}é\x03", "a".repeat(SNIFF_BYTES - 1));
        for s in [ascii.as_str(), mixed.as_str(), late.as_str()] {
            for max in [0, 1, 7, SNIFF_BYTES] {
                assert_eq!(control_share(s, max), share_by_chars(s, max), "max {max}");
            }
        }
        assert_eq!(control_share("\x01\x02é", 2), 1.0);
        assert_eq!(control_share("ab\x01\x02", 2), 0.0);
    }

    fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if big_endian {
                &[0xFE, 0xFF]
            } else {
                &[0xFF, 0xFE]
            });
        }
        for unit in s.encode_utf16() {
            let b = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            out.extend_from_slice(&b);
        }
        out
    }

    #[test]
    fn decodes_every_supported_encoding() {
        let want = "IGF 2023 WS #225\n>> MODERATOR:  Caf\u{e9} \u{2019}s\n";
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("utf-8", want.as_bytes().to_vec()),
            (
                "utf-8 bom",
                [b"\xEF\xBB\xBF".as_slice(), want.as_bytes()].concat(),
            ),
            ("utf-16le bom", utf16(want, false, true)),
            ("utf-16be bom", utf16(want, true, true)),
            ("utf-16le no bom", utf16(want, false, false)),
            ("utf-16be no bom", utf16(want, true, false)),
            (
                "windows-1252",
                b"IGF 2023 WS #225\n>> MODERATOR:  Caf\xE9 \x92s\n".to_vec(),
            ),
            (
                "utf-8 with a stray windows-1252 byte",
                b"IGF 2023 WS #225\n>> MODERATOR:  Caf\xC3\xA9 \x92s\n".to_vec(),
            ),
            (
                "crlf",
                b"IGF 2023 WS #225\r\n>> MODERATOR:  Caf\xC3\xA9 \xE2\x80\x99s\r\n".to_vec(),
            ),
            (
                "lone cr",
                b"IGF 2023 WS #225\r>> MODERATOR:  Caf\xC3\xA9 \xE2\x80\x99s\r".to_vec(),
            ),
        ];
        for (name, bytes) in cases {
            assert_eq!(decode(&bytes).as_deref(), Ok(want), "{name}");
        }
    }

    #[test]
    fn rejects_empty_and_binary_input() {
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty", vec![], "empty file"),
            (
                "bom only",
                b"\xEF\xBB\xBF".to_vec(),
                "empty file (only whitespace)",
            ),
            (
                "spaces",
                b" \n\t\r\n".to_vec(),
                "empty file (only whitespace)",
            ),
            (
                "pdf",
                b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(),
                "binary file (looks like PDF): convert it to text first",
            ),
            (
                "nuls",
                vec![0, 1, 2, 3, 0, 0, 7, 8, 0, 250, 0, 0, 0, 0],
                "binary file",
            ),
            (
                "control bytes",
                (0u8..=255).cycle().take(4096).collect(),
                "binary file",
            ),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(decode(&bytes), Err(want.to_string()), "{name}");
        }
    }

    #[test]
    fn nuls_in_a_few_lines_of_text_are_damage_not_binary() {
        let lines: Vec<String> = (1..=12)
            .map(|i| format!(">> SPEAKER {i}:  An ordinary line of speech number {i}."))
            .collect();
        let mut bytes = lines.join("\r\n").into_bytes();
        // Line 3 gets a block of NULs (2.5 % of the bytes), line 9 a few.
        let at = |n: usize| lines[..n - 1].iter().map(|l| l.len() + 2).sum::<usize>() + 5;
        let (third, ninth) = (at(3), at(9));
        bytes.splice(ninth..ninth, [0u8; 3]);
        bytes.splice(third..third, [0u8; 16]);
        let d = decode_vec(bytes.clone()).unwrap();
        assert_eq!(d.nul_lines, [3, 9]);
        assert_eq!(d.text, lines.join("\n"));
        // The same NULs all through the text: binary.
        let spread: Vec<u8> = lines
            .iter()
            .flat_map(|l| [l.as_bytes(), b"\0\0\0\n"].concat())
            .collect();
        assert_eq!(decode(&spread), Err("binary file".into()));
    }

    #[test]
    fn a_stray_nul_is_dropped_not_fatal() {
        let mut bytes = b"hello\0 world, ".to_vec();
        bytes.extend(b"this is a long enough line of ordinary text. ".repeat(4));
        let text = decode(&bytes).unwrap();
        assert!(!text.contains('\0'));
        assert!(text.starts_with("hello world"));
    }

    proptest! {

        /// UTF-16 without a BOM is recognised, with its byte order, from the NUL pattern of
        /// mostly-ASCII text; UTF-8 text is never taken for it.
        #[test]
        fn bomless_utf16_is_told_by_its_nul_pattern(s in "[a-zA-Z0-9 .,\n]{4,80}") {
            prop_assert_eq!(bomless_utf16(&utf16(&s, false, false)), Some(false));
            prop_assert_eq!(bomless_utf16(&utf16(&s, true, false)), Some(true));
            prop_assert_eq!(bomless_utf16(s.as_bytes()), None);
        }

        #[test]
        fn control_share_is_the_share_of_control_chars(
            s in "[a\r\n\0\x01\x1a\x7fé\u{2019}]{0,100}",
            max in 0usize..120,
        ) {
            prop_assert_eq!(control_share(&s, max), share_by_chars(&s, max));
        }

        /// Line endings: CRLF and CR read as LF, so text written with any of them decodes to
        /// the same lines; NULs go; nothing else changes.
        #[test]
        fn newlines_normalise_and_round_trip(t in "[a-z \u{e9}\n]{0,80}", junk in any::<String>()) {
            prop_assert_eq!(normalize_newlines(t.clone()).0, t.clone());
            prop_assert_eq!(normalize_newlines(t.replace('\n', "\r\n")).0, t.clone());
            prop_assert_eq!(normalize_newlines(t.replace('\n', "\r")).0, t.clone());
            prop_assert_eq!(normalize_newlines(t.replace('\n', "\0\n\0")).0, t);
            let (out, nul_lines) = normalize_newlines(junk.clone());
            // Each NUL's line, counted in the text that comes out.
            let mut want: Vec<usize> = Vec::new();
            let mut line = 1;
            let mut chars = junk.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\0' if want.last() != Some(&line) => want.push(line),
                    '\r' if chars.peek() == Some(&'\n') => {}
                    '\r' | '\n' => line += 1,
                    _ => {}
                }
            }
            prop_assert_eq!(nul_lines, want);
            prop_assert!(!out.contains(['\r', '\0']));
            let lone_cr = junk.matches('\r').count() - junk.matches("\r\n").count();
            prop_assert_eq!(out.matches('\n').count(), junk.matches('\n').count() + lone_cr);
        }

        /// Decoded text round-trips: text written as UTF-8 (with or without BOM) or UTF-16
        /// (either order, with BOM) decodes to itself.
        #[test]
        fn text_round_trips_through_every_unicode_encoding(s in "[a-zA-Z0-9 .,:>#\u{e9}\u{2011}\u{1F600}\n]{1,200}") {
            prop_assume!(!s.trim().is_empty());
            let bom = [b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat();
            prop_assert_eq!(decode(s.as_bytes()), Ok(s.clone()));
            prop_assert_eq!(decode(&bom), Ok(s.clone()));
            prop_assert_eq!(decode(&utf16(&s, false, true)), Ok(s.clone()));
            prop_assert_eq!(decode(&utf16(&s, true, true)), Ok(s.clone()));
        }

        /// Text written in Windows-1252 (accented letters and curly quotes that cannot be read
        /// as UTF-8) decodes to itself.
        #[test]
        fn windows_1252_text_round_trips(s in "([a-zA-Z ]{1,6}[\u{e9}\u{fc}\u{f1}\u{2019}\u{e0}\u{e7}\u{2014}]){1,30}[a-z]") {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&s);
            prop_assert!(!unmappable);
            prop_assert_eq!(decode(&bytes), Ok(s.clone()));
        }

        #[test]
        fn decode_never_panics_and_never_returns_cr(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(text) = decode(&bytes) {
                prop_assert!(!text.contains('\r'));
                prop_assert!(!text.trim().is_empty());
            }
        }
    }
}
