//! Reading: bytes from a file or standard input (`-`), checked and turned into an [`Input`]
//! whose `text` is the user's input exactly as given (a leading BOM and CR/CRLF line ends
//! kept), so every later byte offset indexes the user's own file.
//!
//! Checks, each giving an error that names the file: a size limit ([`Error::TooLarge`]), a
//! UTF-16 byte order mark ([`Error::Utf16`]), NUL bytes ([`Error::Binary`], checked before
//! UTF-8 because binary files are rarely valid UTF-8 and "binary" says more),
//! invalid UTF-8 with the offset of the first bad byte ([`Error::NotUtf8`]), and nothing but
//! whitespace ([`Error::Empty`]).

use crate::document::Origin;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A checked text from the user, not yet segmented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub origin: Origin,
    /// The input exactly as given (BOM and line ends included): valid UTF-8, no NUL, not blank.
    pub text: String,
}

impl Input {
    /// The byte length of a leading UTF-8 byte order mark (3), or 0.
    pub fn bom_len(&self) -> usize {
        if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        }
    }
}

/// Reads and checks the file at `path`, or standard input when `path` is `-`.
///
/// With `max_bytes`, inputs longer than that fail with [`Error::TooLarge`] without being read
/// whole (standard input is read up to one byte past the limit).
pub fn read_path(path: &Path, max_bytes: Option<u64>) -> Result<Input> {
    let origin = Origin(path.display().to_string());
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = if path.as_os_str() == "-" {
        read_limited(std::io::stdin().lock(), max_bytes).map_err(io_err)?
    } else {
        let file = std::fs::File::open(path).map_err(io_err)?;
        let meta = file.metadata().map_err(io_err)?;
        if meta.is_dir() {
            return Err(io_err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "is a directory",
            )));
        }
        if let Some(max) = max_bytes {
            if meta.len() > max {
                return Err(Error::TooLarge {
                    path: path.to_path_buf(),
                    size: meta.len(),
                    max,
                });
            }
        }
        read_limited(file, max_bytes).map_err(io_err)?
    };
    if let Some(max) = max_bytes {
        if bytes.len() as u64 > max {
            return Err(Error::TooLarge {
                path: path.to_path_buf(),
                size: bytes.len() as u64,
                max,
            });
        }
    }
    from_bytes(origin, bytes)
}

/// Reads at most one byte past `max_bytes`: enough to tell that the input is too large
/// without holding an unbounded stream in memory.
fn read_limited(mut reader: impl Read, max_bytes: Option<u64>) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match max_bytes {
        Some(max) => reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?,
        None => reader.read_to_end(&mut bytes)?,
    };
    Ok(bytes)
}

/// Checks `bytes` read from `origin` and makes them an [`Input`].
pub fn from_bytes(origin: Origin, bytes: Vec<u8>) -> Result<Input> {
    let path = || PathBuf::from(&origin.0);
    // Windows tools often save "Unicode" text as UTF-16 with a byte order mark: say so rather
    // than report its NUL bytes.
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Error::Utf16 { path: path() });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::Binary {
            path: path(),
            offset,
        });
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return Err(Error::NotUtf8 {
                path: path(),
                offset: err.utf8_error().valid_up_to(),
            })
        }
    };
    // The BOM (U+FEFF) is not whitespace to Rust; zero-width and direction marks carry no
    // text either, so a file of only those is empty too.
    let blank = text
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'..='\u{200f}' | '\u{061c}' | '\u{2066}'..='\u{2069}'));
    if blank {
        return Err(Error::Empty { path: path() });
    }
    Ok(Input { origin, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8]) -> Result<Input> {
        from_bytes(Origin("in.txt".into()), bytes.to_vec())
    }

    #[test]
    fn accepts_and_keeps_text_as_given() {
        let cases: &[(&[u8], usize)] = &[
            (b"hello", 0),
            ("\u{feff}مرحبا".as_bytes(), 3),
            (b"a\r\nb\rc\n", 0),
            ("  ن  ".as_bytes(), 0),
        ];
        for &(bytes, bom) in cases {
            let input = check(bytes).unwrap();
            assert_eq!(input.text.as_bytes(), bytes);
            assert_eq!(input.bom_len(), bom);
        }
    }

    #[test]
    fn rejects_bad_input_naming_the_file() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "in.txt is empty"),
            (b" \r\n\t\n", "in.txt is empty"),
            ("\u{feff}\n".as_bytes(), "in.txt is empty"),
            (
                b"ab\xffcd",
                "in.txt is not valid UTF-8 (first bad byte at offset 2)",
            ),
            (
                b"\xd8",
                "in.txt is not valid UTF-8 (first bad byte at offset 0)",
            ),
            // Truncated two-byte Arabic letter at the end.
            (&[b'a', 0xd9], "offset 1"),
            (b"abc\0def", "in.txt looks binary (NUL byte at offset 3)"),
            // UTF-16 with its BOM, both byte orders.
            (&[0xff, 0xfe, b'a', 0, b'b', 0], "in.txt is UTF-16 text"),
            (&[0xfe, 0xff, 0, b'a'], "iconv -f UTF-16"),
            // UTF-16 without a BOM: its NUL bytes.
            (&[b'a', 0, b'b', 0], "NUL byte at offset 1"),
        ];
        for &(bytes, want) in cases {
            let err = check(bytes).unwrap_err().to_string();
            assert!(err.contains(want), "{bytes:?}: {err}");
        }
    }

    #[test]
    fn size_limit_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "0123456789").unwrap();
        assert!(read_path(&path, Some(10)).is_ok());
        assert!(read_path(&path, None).is_ok());
        let err = read_path(&path, Some(9)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::TooLarge {
                    size: 10,
                    max: 9,
                    ..
                }
            ),
            "{err}"
        );
        let err = read_path(&dir.path().join("missing.txt"), None).unwrap_err();
        assert!(err.to_string().contains("missing.txt"), "{err}");
        let err = read_path(dir.path(), None).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
    }
}
