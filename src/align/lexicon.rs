//! A bilingual Arabic–English dictionary for alignment evidence.
//!
//! Takes a dictd dictionary (an `.index` of `headword TAB base64-offset TAB base64-length`
//! lines beside a `.dict` or dictzip `.dict.dz` file, as Debian's `dict-freedict-ara-eng` and
//! `dict-freedict-eng-ara` install under `/usr/share/dictd/`) or a simple TSV file
//! (`arabic TAB english`), and gives lookups both ways: an Arabic word or phrase as written to
//! its English glosses and the reverse, and, for the aligner, interned word keys (Arabic light
//! stems from [`super::stem`], English s-stemmed keys) with the English keys each Arabic key
//! translates to.
//!
//! Why dictd and not a bespoke format: the dictionary is already on a Debian machine (and
//! CI installs it), it is GPL data we do not copy into the repository, and any dictd pair
//! (or a user's own TSV term list) works the same way. Direction is decided per entry by the
//! script of the headword, so `eng-ara` is read reversed with the same code.
//!
//! Loading parses ~140,000 entries; it is done once per process and per path (the parsed
//! lexicon is shared behind an [`Arc`]), so cloning a [`Lexicon`] is cheap.

use super::stem::{
    arabic_key, english_key, fold, is_arabic_letter, is_arabic_stopword, is_english_stopword,
    light_stem,
};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Where Debian installs the FreeDict Arabic–English pair.
pub const DEFAULT_DIR: &str = "/usr/share/dictd";
/// The dictd databases [`Lexicon::find_default`] reads, in that order.
pub const DEFAULT_NAMES: [&str; 2] = ["freedict-ara-eng", "freedict-eng-ara"];

/// Glosses longer than this many words are definitions ("the charge made for ..."), not
/// translations: kept out, as they would match anything.
const MAX_GLOSS_WORDS: usize = 5;
/// A gloss contributes its words to the word-level map when it has at most this many content
/// words ("foreign ministry" yes, a five-word description no) and the other side is one word.
const MAX_WORD_MAP_CONTENT: usize = 3;

/// A parsed bilingual dictionary. Cheap to clone (shared).
#[derive(Clone)]
pub struct Lexicon {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("sources", &self.inner.sources)
            .field("pairs", &self.inner.pairs)
            .field("arabic_keys", &self.inner.ar_keys.len())
            .field("english_keys", &self.inner.en_keys.len())
            .finish()
    }
}

/// Hash maps keyed by dictionary words (one name, so a faster hasher is a one-line change).
type Map<K, V> = HashMap<K, V>;

#[derive(Default)]
struct Inner {
    sources: Vec<PathBuf>,
    /// Every file read (a dictd index and its data file) and its [`file_stamp`] when read.
    stamps: Vec<(PathBuf, String)>,
    /// Number of (Arabic gloss, English gloss) pairs read.
    pairs: usize,
    /// Interned English word keys.
    en_keys: Vec<String>,
    en_index: Map<String, u32>,
    /// Interned Arabic word keys (light stems).
    ar_keys: Vec<String>,
    ar_index: Map<String, u32>,
    /// Per Arabic key: the English keys it translates to (sorted, unique).
    ar_to_en: Vec<Vec<EnKey>>,
    /// Per English key: the Arabic keys that translate to it (sorted, unique).
    en_to_ar: Vec<Vec<ArKey>>,
    /// Interned glosses as written (English lowercased, Arabic folded).
    en_glosses: Vec<String>,
    ar_glosses: Vec<String>,
    /// Arabic phrase key (word keys joined by a space) → English glosses.
    ar_phrase: Map<String, Vec<u32>>,
    /// English phrase key → Arabic glosses.
    en_phrase: Map<String, Vec<u32>>,
}

/// An Arabic word key known to the lexicon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArKey(pub u32);
/// An English word key known to the lexicon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnKey(pub u32);

impl Lexicon {
    /// Reads a dictionary: a dictd `.index` (with its `.dict.dz` or `.dict` beside it), a
    /// `.dict.dz`/`.dict` (with its `.index`), or a TSV file of `arabic TAB english` lines
    /// (either column order; `#` starts a comment line; several glosses may be separated by
    /// `;` or `,`). Parsed once per process and path.
    pub fn load(path: &Path) -> Result<Lexicon> {
        static LOADED: OnceLock<Mutex<HashMap<PathBuf, Lexicon>>> = OnceLock::new();
        let key = path.canonicalize().map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let cache = LOADED.get_or_init(Default::default);
        if let Some(lex) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            // A file changed since it was parsed is parsed again.
            if lex.inner.stamps.iter().all(|(p, s)| file_stamp(p) == *s) {
                return Ok(lex.clone());
            }
        }
        let mut builder = Builder::default();
        builder.add_file(path)?;
        let lex = builder.finish();
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, lex.clone());
        Ok(lex)
    }

    /// Debian's FreeDict pair from [`DEFAULT_DIR`]: `freedict-ara-eng` and `freedict-eng-ara`
    /// (read reversed), whichever are installed; `None` when neither is (or neither parses).
    /// Parsed once per process.
    pub fn find_default() -> Option<Lexicon> {
        static DEFAULT: OnceLock<Option<Lexicon>> = OnceLock::new();
        DEFAULT
            .get_or_init(|| Self::load_dictd_dir(Path::new(DEFAULT_DIR)).ok().flatten())
            .clone()
    }

    /// The FreeDict pair from a folder: `Ok(None)` when neither database is there.
    pub fn load_dictd_dir(dir: &Path) -> Result<Option<Lexicon>> {
        let mut builder = Builder::default();
        for name in DEFAULT_NAMES {
            let index = dir.join(format!("{name}.index"));
            if index.is_file() {
                builder.add_file(&index)?;
            }
        }
        Ok((!builder.inner.sources.is_empty()).then(|| builder.finish()))
    }

    /// A lexicon from `(arabic, english)` pairs held in memory (a user's term list, tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Lexicon {
        let mut builder = Builder::default();
        for (ar, en) in pairs {
            builder.add_pair(ar, en);
        }
        builder.finish()
    }

    /// The files this lexicon was read from.
    pub fn sources(&self) -> &[PathBuf] {
        &self.inner.sources
    }

    /// Identifies this dictionary's content for records of what a result was made with: the
    /// number of pairs read and each file read with its size and modification time when read
    /// (as make and rsync judge a file unchanged).
    pub fn fingerprint(&self) -> String {
        let mut out = format!("{} pairs", self.inner.pairs);
        for (_, stamp) in &self.inner.stamps {
            out.push_str("; ");
            out.push_str(stamp);
        }
        out
    }

    /// Number of (Arabic, English) gloss pairs read.
    pub fn pair_count(&self) -> usize {
        self.inner.pairs
    }

    /// English glosses (lowercased) of an Arabic word or phrase as written; clitics,
    /// suffixes, hamza and diacritics do not matter («والحكومة» finds "government").
    pub fn english(&self, arabic: &str) -> Vec<&str> {
        let key = phrase_key(arabic, arabic_key);
        self.inner
            .ar_phrase
            .get(&key)
            .map(|ids| {
                ids.iter()
                    .map(|&i| self.inner.en_glosses[i as usize].as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Arabic glosses (normalized: see [`super::stem::fold`]) of an English word or phrase.
    pub fn arabic(&self, english: &str) -> Vec<&str> {
        let key = phrase_key(english, english_key);
        self.inner
            .en_phrase
            .get(&key)
            .map(|ids| {
                ids.iter()
                    .map(|&i| self.inner.ar_glosses[i as usize].as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether an Arabic word and an English word (both as written) translate each other.
    pub fn translates(&self, arabic_word: &str, english_word: &str) -> bool {
        match (
            self.ar_key(&arabic_key(arabic_word)),
            self.en_key(&english_key(english_word)),
        ) {
            (Some(a), Some(e)) => self.english_keys(a).binary_search(&e).is_ok(),
            _ => false,
        }
    }

    /// The interned Arabic key for a light stem (see [`super::stem::arabic_key`]).
    pub fn ar_key(&self, stem: &str) -> Option<ArKey> {
        self.inner.ar_index.get(stem).copied().map(ArKey)
    }

    /// The interned English key for an English key (see [`super::stem::english_key`]).
    pub fn en_key(&self, key: &str) -> Option<EnKey> {
        self.inner.en_index.get(key).copied().map(EnKey)
    }

    /// The English keys an Arabic key translates to (sorted).
    pub fn english_keys(&self, key: ArKey) -> &[EnKey] {
        &self.inner.ar_to_en[key.0 as usize]
    }

    /// The Arabic keys that translate to an English key (sorted).
    pub fn arabic_keys(&self, key: EnKey) -> &[ArKey] {
        &self.inner.en_to_ar[key.0 as usize]
    }

    /// The text of an English key.
    pub fn en_key_text(&self, key: EnKey) -> &str {
        &self.inner.en_keys[key.0 as usize]
    }

    /// The text of an Arabic key.
    pub fn ar_key_text(&self, key: ArKey) -> &str {
        &self.inner.ar_keys[key.0 as usize]
    }
}

/// Word keys of a phrase joined by one space.
fn phrase_key(text: &str, key: impl Fn(&str) -> String) -> String {
    words(text).map(key).collect::<Vec<_>>().join(" ")
}

/// Words of a gloss or phrase: runs of letters, digits, apostrophes and hyphens.
fn words(text: &str) -> impl Iterator<Item = &str> {
    // Cheap tests first: Unicode's alphabetic table is slow to search for Arabic letters.
    let in_word = |c: char| {
        c.is_ascii_alphanumeric()
            || is_arabic_letter(c)
            || c == '\''
            || c == '-'
            || is_mark(c)
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    text.split(move |c: char| !in_word(c))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
}

/// Arabic combining marks (harakat, shadda, superscript alef) belong inside words.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
}

fn has_arabic(text: &str) -> bool {
    text.chars().any(is_arabic_letter)
}

/// Collects pairs, then freezes them into an [`Inner`].
#[derive(Default)]
struct Builder {
    inner: Inner,
    /// Word-level links before sorting/deduplication.
    links: Vec<(u32, u32)>,
    en_gloss_index: Map<String, u32>,
    ar_gloss_index: Map<String, u32>,
}

impl Builder {
    fn add_file(&mut self, path: &Path) -> Result<()> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some(stem) = name.strip_suffix(".index") {
            let dz = path.with_file_name(format!("{stem}.dict.dz"));
            let plain = path.with_file_name(format!("{stem}.dict"));
            let dict = if dz.is_file() { dz } else { plain };
            self.add_dictd(path, &dict)
        } else if let Some(stem) = name
            .strip_suffix(".dict.dz")
            .or_else(|| name.strip_suffix(".dict"))
        {
            let index = path.with_file_name(format!("{stem}.index"));
            self.add_dictd(&index, path)
        } else {
            self.add_tsv(path)
        }
    }

    fn add_dictd(&mut self, index_path: &Path, dict_path: &Path) -> Result<()> {
        let index = read_text(index_path)?;
        let raw = std::fs::read(dict_path).map_err(|source| Error::Io {
            path: dict_path.to_path_buf(),
            source,
        })?;
        let dict = if raw.starts_with(&[0x1f, 0x8b]) {
            // dictzip is gzip with random-access chunk data in an extra field; a plain gzip
            // reader decompresses it whole.
            let mut out = Vec::with_capacity(raw.len() * 4);
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut out)
                .map_err(|e| lexicon_error(dict_path, format!("cannot decompress: {e}")))?;
            out
        } else {
            raw
        };
        let before = self.inner.pairs;
        for (n, line) in index.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |why: &str| lexicon_error(index_path, format!("line {}: {why}", n + 1));
            let mut fields = line.split('\t');
            let (Some(head), Some(off), Some(len)) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(bad("expected headword TAB offset TAB length"));
            };
            // dictd's own metadata entries (00-database-info, ...).
            if head.starts_with("00database") || head.starts_with("00-database") {
                continue;
            }
            let (Some(off), Some(len)) = (dictd_number(off), dictd_number(len)) else {
                return Err(bad("offset or length is not dictd base64"));
            };
            let body = dict
                .get(off..off.saturating_add(len))
                .ok_or_else(|| bad("entry lies outside the .dict file"))?;
            let body = std::str::from_utf8(body).map_err(|_| bad("entry is not UTF-8"))?;
            // The entry's first line repeats the headword (with a pronunciation); the
            // translations follow, one per line, often numbered "1. ".
            // An Arabic headword is normalized once for all its glosses.
            let arabic_head = has_arabic(head).then(|| fold(head));
            for gloss_line in body.lines().skip(1) {
                for gloss in split_glosses(gloss_line) {
                    match &arabic_head {
                        Some(folded) => self.add_folded(folded, gloss),
                        None => self.add_pair(gloss, head),
                    }
                }
            }
        }
        if self.inner.pairs == before {
            return Err(lexicon_error(index_path, "no translations found".into()));
        }
        self.inner.sources.push(index_path.to_path_buf());
        self.stamp(index_path);
        self.stamp(dict_path);
        Ok(())
    }

    fn add_tsv(&mut self, path: &Path) -> Result<()> {
        let text = read_text(path)?;
        let before = self.inner.pairs;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_start_matches('\u{feff}');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((a, b)) = line.split_once('\t') else {
                return Err(lexicon_error(
                    path,
                    format!("line {}: expected `arabic TAB english`", n + 1),
                ));
            };
            let (ar, en) = if has_arabic(a) { (a, b) } else { (b, a) };
            if !has_arabic(ar) {
                return Err(lexicon_error(
                    path,
                    format!("line {}: neither column is Arabic", n + 1),
                ));
            }
            for ar in split_glosses(ar) {
                for en in split_glosses(en) {
                    self.add_pair(ar, en);
                }
            }
        }
        if self.inner.pairs == before {
            return Err(lexicon_error(path, "no translations found".into()));
        }
        self.inner.sources.push(path.to_path_buf());
        self.stamp(path);
        Ok(())
    }

    fn stamp(&mut self, path: &Path) {
        self.inner
            .stamps
            .push((path.to_path_buf(), file_stamp(path)));
    }

    /// Records one Arabic gloss ↔ English gloss pair (phrase map both ways, and word links
    /// when the Arabic side is one word and the English side a short phrase).
    fn add_pair(&mut self, ar: &str, en: &str) {
        self.add_folded(&fold(ar), en);
    }

    /// [`Builder::add_pair`] with the Arabic side already normalized.
    fn add_folded(&mut self, folded: &str, en: &str) {
        let ar_words: Vec<&str> = words(folded).map(light_stem).collect();
        let en_words: Vec<&str> = words(en).collect();
        if ar_words.is_empty()
            || en_words.is_empty()
            || ar_words.len() > MAX_GLOSS_WORDS
            || en_words.len() > MAX_GLOSS_WORDS
            || has_arabic(en)
        {
            return;
        }
        self.inner.pairs += 1;
        let en_keys: Vec<String> = en_words.iter().map(|w| english_key(w)).collect();
        let en_gloss = en_words.join(" ").to_lowercase();
        let ar_gloss = words(folded).collect::<Vec<_>>().join(" ");
        let en_gloss_id = intern(
            &mut self.en_gloss_index,
            &mut self.inner.en_glosses,
            &en_gloss,
        );
        let ar_gloss_id = intern(
            &mut self.ar_gloss_index,
            &mut self.inner.ar_glosses,
            &ar_gloss,
        );
        push_unique(
            self.inner.ar_phrase.entry(ar_words.join(" ")).or_default(),
            en_gloss_id,
        );
        push_unique(
            self.inner.en_phrase.entry(en_keys.join(" ")).or_default(),
            ar_gloss_id,
        );
        let en_content: Vec<&String> = en_keys
            .iter()
            .filter(|k| !is_english_stopword(k) && k.chars().any(char::is_alphabetic))
            .collect();
        let ar_content: Vec<&str> = ar_words
            .iter()
            .copied()
            .filter(|k| !is_arabic_stopword(k))
            .collect();
        // Word links: one content word against a short phrase on the other side ("ذهب" ↔
        // "went"; «معدن الذهب» ↔ "gold" gives ذهب ↔ gold, and معدن ↔ gold, a tolerable
        // false link). Two phrases are not linked word by word: their word order differs.
        let (na, ne) = (ar_content.len(), en_content.len());
        if na >= 1 && ne >= 1 && (na == 1 || ne == 1) && na.max(ne) <= MAX_WORD_MAP_CONTENT {
            for a in ar_content {
                let a = intern(&mut self.inner.ar_index, &mut self.inner.ar_keys, a);
                for k in &en_content {
                    let e = intern(&mut self.inner.en_index, &mut self.inner.en_keys, k);
                    self.links.push((a, e));
                }
            }
        }
    }

    fn finish(mut self) -> Lexicon {
        self.links.sort_unstable();
        self.links.dedup();
        let mut inner = self.inner;
        inner.ar_to_en = vec![Vec::new(); inner.ar_keys.len()];
        inner.en_to_ar = vec![Vec::new(); inner.en_keys.len()];
        for (a, e) in self.links {
            inner.ar_to_en[a as usize].push(EnKey(e));
            inner.en_to_ar[e as usize].push(ArKey(a));
        }
        for list in &mut inner.en_to_ar {
            list.sort_unstable();
        }
        Lexicon {
            inner: Arc::new(inner),
        }
    }
}

fn intern(index: &mut Map<String, u32>, keys: &mut Vec<String>, key: &str) -> u32 {
    if let Some(&id) = index.get(key) {
        return id;
    }
    let id = u32::try_from(keys.len()).expect("lexicon key count fits u32");
    keys.push(key.to_string());
    index.insert(key.to_string(), id);
    id
}

fn push_unique(list: &mut Vec<u32>, id: u32) {
    if !list.contains(&id) {
        list.push(id);
    }
}

/// The glosses of one definition line: the "N. " numbering and parenthesised notes dropped,
/// split at commas, semicolons (Latin and Arabic) and " - ".
fn split_glosses(line: &str) -> Vec<&str> {
    let line = line.trim();
    let line = match line.split_once(". ") {
        Some((num, rest)) if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => line,
    };
    line.split([',', ';', '،', '؛'])
        .flat_map(|g| g.split(" - "))
        .map(|g| match g.find('(') {
            Some(i) => &g[..i],
            None => g,
        })
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .collect()
}

/// A dictd index number: base64 digits (A–Z a–z 0–9 + /), most significant first.
fn dictd_number(text: &str) -> Option<usize> {
    if text.is_empty() || text.len() > 10 {
        return None;
    }
    text.bytes().try_fold(0usize, |acc, b| {
        let digit = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(acc * 64 + usize::from(digit))
    })
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        lexicon_error(
            path,
            format!(
                "not UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn lexicon_error(path: &Path, reason: String) -> Error {
    Error::Lexicon {
        path: path.to_path_buf(),
        reason,
    }
}

/// A file's path, size and modification time (nanoseconds since the epoch; 0 where the file
/// system has none), or its path alone when it cannot be read.
fn file_stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {} {modified}", path.display(), meta.len())
        }
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictd_numbers() {
        let cases = [
            ("A", Some(0)),
            ("B", Some(1)),
            ("b", Some(27)),
            ("/", Some(63)),
            ("BA", Some(64)),
            ("Lw7Y", Some(((11 * 64 + 48) * 64 + 59) * 64 + 24)),
            ("", None),
            ("a-b", None),
        ];
        for (text, want) in cases {
            assert_eq!(dictd_number(text), want, "{text}");
        }
    }

    #[test]
    fn gloss_lines() {
        let cases: [(&str, &[&str]); 6] = [
            ("1. Aduncous", &["Aduncous"]),
            ("12. Twiddle", &["Twiddle"]),
            ("Abacterial", &["Abacterial"]),
            ("لادغ، شائك", &["لادغ", "شائك"]),
            ("آها -  فرقة بوب", &["آها", "فرقة بوب"]),
            ("bank (of a river); shore", &["bank", "shore"]),
        ];
        for (line, want) in cases {
            assert_eq!(split_glosses(line), want, "{line}");
        }
    }

    #[test]
    fn pairs_both_ways() {
        let lex = Lexicon::from_pairs([
            ("حكومة", "government"),
            ("وزارة الخارجية", "foreign ministry"),
            ("كتاب", "book"),
            (
                "الخطاب الرسمي",
                "a formal speech given by the head of the state",
            ),
        ]);
        assert_eq!(lex.english("والحكومات"), ["government"]);
        assert_eq!(lex.english("وزارة الخارجيّة"), ["foreign ministry"]);
        assert_eq!(lex.arabic("Foreign Ministry"), ["وزاره الخارجيه"]);
        assert!(lex.translates("كتابهم", "books"));
        assert!(!lex.translates("كتاب", "government"));
        // Definitions longer than a gloss are not translations.
        assert!(lex.english("الخطاب الرسمي").is_empty());
        // Stopwords never become word keys.
        assert!(lex.en_key("a").is_none());
    }

    #[test]
    fn tsv_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terms.tsv");
        std::fs::write(&path, "# my terms\nكتاب\tbook\nno tab here\n").unwrap();
        let err = Lexicon::load(&path).unwrap_err().to_string();
        assert!(err.contains("terms.tsv") && err.contains("line 3"), "{err}");

        std::fs::write(&path, "book\tlivre\n").unwrap();
        let err = Lexicon::load(&dir.path().join("terms.tsv")).unwrap_err();
        assert!(
            err.to_string().contains("neither column is Arabic"),
            "{err}"
        );
    }

    #[test]
    fn tsv_either_column_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terms.tsv");
        std::fs::write(&path, "\u{feff}كتاب\tbook; volume\nnewspaper\tجريدة\n").unwrap();
        let lex = Lexicon::load(&path).unwrap();
        assert!(lex.translates("الكتاب", "volumes"));
        assert!(lex.translates("جريدتهم", "newspaper"));
        assert_eq!(lex.pair_count(), 3);
    }

    /// A file edited after it was loaded is parsed again, and the fingerprint (what batch
    /// records of the dictionary behind its outputs) tells the two apart.
    #[test]
    fn edited_file_is_reloaded_with_a_new_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terms.tsv");
        std::fs::write(&path, "كتاب\tbook\n").unwrap();
        let first = Lexicon::load(&path).unwrap();
        assert_eq!(
            Lexicon::load(&path).unwrap().fingerprint(),
            first.fingerprint()
        );
        assert!(first.fingerprint().contains("terms.tsv"), "{first:?}");
        std::fs::write(&path, "كتاب\tbook\nجريدة\tnewspaper\n").unwrap();
        let second = Lexicon::load(&path).unwrap();
        assert_eq!(second.pair_count(), 2);
        assert!(second.translates("جريدة", "newspaper"));
        assert_ne!(second.fingerprint(), first.fingerprint());
    }

    #[test]
    fn missing_file_is_an_io_error_naming_it() {
        let err = Lexicon::load(Path::new("/nonexistent/x.index")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.index"), "{err}");
    }

    /// The real Debian files (dict-freedict-ara-eng, dict-freedict-eng-ara); CI installs them.
    #[test]
    fn debian_freedict_pair() {
        let dir = Path::new(DEFAULT_DIR);
        if !dir.join("freedict-ara-eng.index").is_file() {
            eprintln!("skipped: dict-freedict-ara-eng is not installed");
            return;
        }
        let lex = Lexicon::find_default().expect("the installed pair parses");
        assert_eq!(lex.sources().len(), 2, "{lex:?}");
        assert!(lex.pair_count() > 100_000, "{lex:?}");
        // ara-eng entries ...
        assert!(lex.english("معقوف").contains(&"aquiline"), "{lex:?}");
        // ... and eng-ara ones read reversed.
        assert!(lex.arabic("A-bomb").contains(&"القنبله النوويه"));
        for (ar, en) in [
            ("الحكومة", "government"),
            ("والكتاب", "book"),
            ("مدينة", "city"),
            ("الذهب", "gold"),
        ] {
            assert!(lex.translates(ar, en), "{ar} ↔ {en}");
        }
        // One database by either of its files: the .index or the .dict.dz.
        let by_dict = Lexicon::load(&dir.join("freedict-ara-eng.dict.dz")).unwrap();
        assert_eq!(by_dict.sources(), [dir.join("freedict-ara-eng.index")]);
        assert!(by_dict.english("معقوف").contains(&"aquiline"));
        assert!(by_dict.pair_count() < lex.pair_count());
        // Loading again is the same parsed data.
        let again = Lexicon::find_default().unwrap();
        assert!(Arc::ptr_eq(&lex.inner, &again.inner));
    }
}
