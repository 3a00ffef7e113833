//! Arabic names of countries, territories and cities, with their English names, from data
//! Debian already ships: `iso-codes` (the Arabic translations of ISO 3166-1 country names and
//! ISO 3166-3 former countries, as gettext `.mo` catalogues) and `unicode-cldr-core` (CLDR's
//! `ar.xml` and `en.xml`: territory names by code, and time-zone exemplar cities).
//!
//! Takes those files (or any given paths); gives a [`Gazetteer`] that answers "how is this
//! English place written in Arabic" on normalized Arabic (alef forms, ة/ه, ى/ي and harakat folded
//! by [`crate::normalize::arabic`], so الصّين and الصين are one key). Place names are translated,
//! not transliterated (الصين ↔ China, المملكة المتحدة ↔ United Kingdom), so the romanizer cannot
//! find them; a list can. The system gazetteer is read once, lazily, the first time it is needed.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where Debian installs the data.
const ISO_CODES_DIR: &str = "/usr/share/locale/ar/LC_MESSAGES";
const ISO_CATALOGUES: [&str; 2] = ["iso_3166-1.mo", "iso_3166-3.mo"];
const CLDR_MAIN: &str = "/usr/share/unicode/cldr/common/main";

/// English ↔ Arabic place names.
#[derive(Debug, Default, Clone)]
pub struct Gazetteer {
    /// Lowercased English name → normalized Arabic names.
    by_en: HashMap<String, Vec<String>>,
    /// Normalized Arabic name → English names as written.
    by_ar: HashMap<String, Vec<String>>,
    /// Files that could not be read, with why (the system gazetteer skips them).
    problems: Vec<String>,
}

impl Gazetteer {
    /// The system gazetteer: every Debian file that is present, read once. Files that are
    /// absent or unreadable are skipped and listed in [`Gazetteer::problems`].
    pub fn system() -> &'static Gazetteer {
        static SYSTEM: OnceLock<Gazetteer> = OnceLock::new();
        SYSTEM.get_or_init(|| {
            let mut g = Gazetteer::default();
            for name in ISO_CATALOGUES {
                let path = Path::new(ISO_CODES_DIR).join(name);
                if let Err(e) = g.add_mo(&path) {
                    g.problems.push(e.to_string());
                }
            }
            let main = PathBuf::from(CLDR_MAIN);
            if let Err(e) = g.add_cldr(&main.join("en.xml"), &main.join("ar.xml")) {
                g.problems.push(e.to_string());
            }
            g
        })
    }

    /// Adds the pairs of a gettext catalogue whose msgids are English and msgstrs Arabic.
    pub fn add_mo(&mut self, path: &Path) -> Result<()> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        for (en, ar) in read_mo(&bytes).map_err(|reason| Error::Gazetteer {
            path: path.to_owned(),
            reason,
        })? {
            self.add(&en, &ar);
        }
        Ok(())
    }

    /// Adds CLDR territory names and exemplar cities, joined on their codes.
    pub fn add_cldr(&mut self, en_xml: &Path, ar_xml: &Path) -> Result<()> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })
        };
        let (en, ar) = (cldr_names(&read(en_xml)?), cldr_names(&read(ar_xml)?));
        if ar.is_empty() {
            return Err(Error::Gazetteer {
                path: ar_xml.to_owned(),
                reason: "no territory or city names found".into(),
            });
        }
        for (key, ar_names) in &ar {
            let mut en_names: Vec<String> = en.get(key).cloned().unwrap_or_default();
            // Cities without an English exemplar are named by their time-zone id
            // (Europe/London → London), as CLDR's root locale does.
            if let Some(zone) = key.strip_prefix("zone:") {
                let city = zone.rsplit('/').next().unwrap_or(zone).replace('_', " ");
                en_names.push(city);
            }
            for e in &en_names {
                for a in ar_names {
                    self.add(e, a);
                }
            }
        }
        Ok(())
    }

    fn add(&mut self, en: &str, ar: &str) {
        let (en, key) = (en.trim(), normalize_key(ar));
        if en.is_empty() || key.is_empty() {
            return;
        }
        let forms = self.by_en.entry(en.to_lowercase()).or_default();
        if !forms.contains(&key) {
            forms.push(key.clone());
        }
        let names = self.by_ar.entry(key).or_default();
        if !names.iter().any(|n| n == en) {
            names.push(en.to_owned());
        }
    }

    /// The normalized Arabic names of an English place name (case-insensitive).
    pub fn arabic(&self, english: &str) -> &[String] {
        self.by_en
            .get(&english.trim().to_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// The English names of an Arabic place name (any spelling that normalizes alike).
    pub fn english(&self, arabic: &str) -> &[String] {
        self.by_ar
            .get(&normalize_key(arabic))
            .map_or(&[], Vec::as_slice)
    }

    /// Number of distinct Arabic names.
    pub fn len(&self) -> usize {
        self.by_ar.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_ar.is_empty()
    }

    /// Files that could not be read when the system gazetteer was built.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

/// An Arabic name as a lookup key: normalized, words separated by single spaces.
pub fn normalize_key(arabic: &str) -> String {
    crate::normalize::arabic(arabic)
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The (msgid, msgstr) pairs of a GNU gettext `.mo` file, header and plural forms skipped.
/// Format: magic, revision, count N, offset of the original-string table, offset of the
/// translation table; each table holds N (length, offset) pairs of u32.
fn read_mo(bytes: &[u8]) -> std::result::Result<Vec<(String, String)>, String> {
    let word = |at: usize, big: bool| -> std::result::Result<usize, String> {
        let b: [u8; 4] = bytes
            .get(at..at + 4)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| format!("truncated at byte {at}"))?;
        Ok(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        } as usize)
    };
    let big = match word(0, false)? {
        0x9504_12de => false,
        0xde12_0495 => true,
        m => return Err(format!("not a gettext catalogue (magic {m:#x})")),
    };
    let (count, originals, translations) = (word(8, big)?, word(12, big)?, word(16, big)?);
    let string = |table: usize, i: usize| -> std::result::Result<&str, String> {
        let (len, off) = (word(table + 8 * i, big)?, word(table + 8 * i + 4, big)?);
        let raw = bytes
            .get(off..off + len)
            .ok_or_else(|| format!("string {i} runs past the end"))?;
        std::str::from_utf8(raw).map_err(|_| format!("string {i} is not UTF-8"))
    };
    let mut pairs = Vec::with_capacity(count);
    for i in 0..count {
        let (id, text) = (string(originals, i)?, string(translations, i)?);
        // The header has an empty msgid; plural entries hold NUL-separated forms; context is
        // prefixed with EOT. Only plain names are wanted.
        if id.is_empty() || text.is_empty() || id.contains('\0') || id.contains('\u{4}') {
            continue;
        }
        pairs.push((id.to_owned(), text.to_owned()));
    }
    Ok(pairs)
}

/// Territory and city names of a CLDR `main/*.xml` file, keyed `territory:CODE` and
/// `zone:ZONE-ID`. CLDR writes one element per line, so a line scanner is enough.
fn cldr_names(xml: &str) -> HashMap<String, Vec<String>> {
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    let mut zone: Option<&str> = None;
    for line in xml.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("<territory type=\"") {
            if let (Some((code, _)), Some(text)) = (rest.split_once('"'), element_text(line)) {
                // Numeric codes are regions (001 world, 145 Western Asia): not place names
                // anyone writes as a proper noun in the same way.
                if code.chars().all(|c| c.is_ascii_uppercase()) {
                    names
                        .entry(format!("territory:{code}"))
                        .or_default()
                        .push(text);
                }
            }
        } else if let Some(rest) = line.strip_prefix("<zone type=\"") {
            zone = rest.split_once('"').map(|(z, _)| z);
        } else if line.starts_with("</zone>") {
            zone = None;
        } else if line.starts_with("<exemplarCity") {
            if let (Some(z), Some(text)) = (zone, element_text(line)) {
                names.entry(format!("zone:{z}")).or_default().push(text);
            }
        }
    }
    names
}

/// The text of a one-line element `<x ...>text</x>`, XML entities decoded.
fn element_text(line: &str) -> Option<String> {
    let start = line.find('>')? + 1;
    let end = line.rfind("</")?;
    let raw = line.get(start..end)?;
    Some(
        raw.replace("&apos;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-entry catalogue built by hand, little- and big-endian.
    fn mo(big: bool, pairs: &[(&str, &str)]) -> Vec<u8> {
        let w = |v: usize| {
            if big {
                (v as u32).to_be_bytes()
            } else {
                (v as u32).to_le_bytes()
            }
        };
        let n = pairs.len();
        let mut head = Vec::new();
        let mut strings = Vec::new();
        let strings_at = 28 + 16 * n;
        let mut tables = (Vec::new(), Vec::new());
        for (id, _) in pairs {
            tables.0.extend(w(id.len()));
            tables.0.extend(w(strings_at + strings.len()));
            strings.extend(id.as_bytes());
            strings.push(0);
        }
        for (_, text) in pairs {
            tables.1.extend(w(text.len()));
            tables.1.extend(w(strings_at + strings.len()));
            strings.extend(text.as_bytes());
            strings.push(0);
        }
        head.extend(w(0x9504_12de));
        head.extend(w(0));
        head.extend(w(n));
        head.extend(w(28));
        head.extend(w(28 + 8 * n));
        head.extend(w(0));
        head.extend(w(0));
        head.extend(tables.0);
        head.extend(tables.1);
        head.extend(strings);
        head
    }

    #[test]
    fn mo_catalogues_are_read_in_both_byte_orders() {
        let pairs = [("", "header"), ("China", "الصين"), ("one\0many", "x\0y")];
        for big in [false, true] {
            let got = read_mo(&mo(big, &pairs)).unwrap();
            assert_eq!(got, [("China".to_owned(), "الصين".to_owned())], "big={big}");
        }
    }

    #[test]
    fn bad_catalogues_are_errors_not_panics() {
        assert!(read_mo(b"").is_err());
        assert!(read_mo(b"not a catalogue at all......").is_err());
        let mut cut = mo(false, &[("China", "الصين")]);
        cut.truncate(40);
        assert!(read_mo(&cut).is_err());
    }

    #[test]
    fn cldr_lines_give_territories_and_cities() {
        let xml = r#"
            <territory type="001">العالم</territory>
            <territory type="GB">المملكة المتحدة</territory>
            <territory type="PS" alt="short">فلسطين</territory>
            <zone type="Europe/Paris">
                <exemplarCity>باريس</exemplarCity>
            </zone>
            <exemplarCity>stray</exemplarCity>"#;
        let names = cldr_names(xml);
        assert_eq!(names["territory:GB"], ["المملكة المتحدة"]);
        assert_eq!(names["territory:PS"], ["فلسطين"]);
        assert_eq!(names["zone:Europe/Paris"], ["باريس"]);
        assert_eq!(names.len(), 3);
    }

    #[test]
    fn system_gazetteer_knows_the_sample_places() {
        let g = Gazetteer::system();
        if g.is_empty() {
            eprintln!(
                "skipped: no iso-codes / unicode-cldr-core data: {:?}",
                g.problems()
            );
            return;
        }
        // (English, an Arabic spelling as news copy writes it)
        let table = [
            ("United Kingdom", "المملكة المتحدة"),
            ("China", "الصين"),
            ("Ireland", "أيرلندا"),
            ("Netherlands", "هولندا"),
            ("Israel", "إسرائيل"),
            ("United States", "الولايات المتحدة"),
            ("Paris", "باريس"),
        ];
        for (en, ar) in table {
            assert!(
                g.arabic(en).contains(&normalize_key(ar)),
                "{en}: {:?}",
                g.arabic(en)
            );
            assert!(
                g.english(ar).iter().any(|e| e == en),
                "{ar}: {:?}",
                g.english(ar)
            );
        }
        assert!(g.len() > 300, "only {} names", g.len());
    }
}
