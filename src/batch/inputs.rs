//! Finding the inputs of a batch job. Takes what the user named (files, folders, a manifest,
//! `-` for JSONL on stdin) and the include/exclude globs; gives a sorted list of [`Item`]s, each
//! with a stable key (the path as found, or the record id: what the journal and `--shard` use)
//! and the relative output name that mirrors the input tree under `--out-dir`. Inputs that cannot
//! even be named properly (a manifest line that does not parse, an id that would escape the
//! output folder, two inputs that would write the same output) come back as failures to record,
//! so one bad line does not stop an archive's run.

use crate::error::{Error, Result};
use glob::{MatchOptions, Pattern};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Where an input's text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Path(PathBuf),
    /// Text given inline by a manifest record.
    Text(String),
}

/// One input of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The journal and shard key: the path as found (`corpus/a/b.txt`) or the record id.
    pub key: String,
    /// The output name relative to the output folder, before the format's extension is added.
    pub rel: PathBuf,
    pub source: Source,
}

/// An input that could not be named: its key (path, id or `manifest:LINE`) and why.
#[derive(Debug)]
pub struct Unusable {
    pub key: String,
    pub error: Error,
}

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Files, folders, or `-` (JSONL records on stdin).
    pub inputs: Vec<PathBuf>,
    pub manifest: Option<PathBuf>,
    /// Globs a file in a folder must match (on its path relative to the folder); empty = `*.txt`.
    pub include: Vec<String>,
    /// Globs that exclude a file found in a folder.
    pub exclude: Vec<String>,
    /// Left out of folder walks (the output folder may sit inside an input folder).
    pub skip_dir: Option<PathBuf>,
}

/// Finds the inputs, sorted by key.
pub fn discover(sel: &Selection) -> Result<(Vec<Item>, Vec<Unusable>)> {
    let include = patterns("include", &sel.include)?;
    let include = if include.is_empty() {
        patterns("include", &["*.txt".to_string()])?
    } else {
        include
    };
    let exclude = patterns("exclude", &sel.exclude)?;
    let skip = sel.skip_dir.as_ref().and_then(|d| d.canonicalize().ok());
    let mut items = Vec::new();
    let mut bad = Vec::new();
    for input in &sel.inputs {
        if input.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|source| Error::Io {
                    path: "-".into(),
                    source,
                })?;
            parse_manifest(
                &text,
                Path::new("-"),
                Path::new(""),
                ManifestKind::Jsonl,
                &mut items,
                &mut bad,
            );
        } else if input.is_dir() {
            walk(input, &include, &exclude, skip.as_deref(), &mut items)?;
        } else {
            // A missing or unreadable file is reported when it is read, as a failed input.
            items.push(file_item(input));
        }
    }
    if let Some(manifest) = &sel.manifest {
        let text = std::fs::read_to_string(manifest).map_err(|source| Error::Io {
            path: manifest.clone(),
            source,
        })?;
        let base = manifest.parent().unwrap_or(Path::new(""));
        let kind = ManifestKind::of(manifest, &text);
        parse_manifest(&text, manifest, base, kind, &mut items, &mut bad);
    }
    items.sort_by(|a, b| a.key.cmp(&b.key));
    items.dedup_by(|a, b| a.key == b.key);
    // Two inputs must not write the same output file (`a.txt` and `a.md` both give `a.json`).
    let mut seen: HashMap<PathBuf, String> = HashMap::new();
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        let stem = item.rel.with_extension("");
        match seen.get(&stem) {
            Some(first) => bad.push(Unusable {
                error: Error::Batch {
                    path: item.key.clone().into(),
                    reason: format!(
                        "its output name {} is already used by {first}",
                        stem.display()
                    ),
                },
                key: item.key,
            }),
            None => {
                seen.insert(stem, item.key.clone());
                kept.push(item);
            }
        }
    }
    Ok((kept, bad))
}

fn patterns(name: &str, globs: &[String]) -> Result<Vec<Pattern>> {
    globs
        .iter()
        .map(|g| {
            Pattern::new(g).map_err(|e| Error::Setting {
                name: name.into(),
                reason: format!("bad glob {g:?}: {e}"),
            })
        })
        .collect()
}

/// Recursively collects the files of `root` that match, in sorted order.
fn walk(
    root: &Path,
    include: &[Pattern],
    exclude: &[Pattern],
    skip: Option<&Path>,
    items: &mut Vec<Item>,
) -> Result<()> {
    let opts = MatchOptions {
        case_sensitive: true,
        require_literal_separator: false,
        require_literal_leading_dot: false,
    };
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| skip.is_none_or(|s| e.path().canonicalize().map_or(true, |p| p != s)));
    for entry in walker {
        let entry = entry.map_err(|e| Error::Io {
            path: e.path().unwrap_or(root).to_path_buf(),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("filesystem loop")),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let wanted = include.iter().any(|p| p.matches_path_with(rel, opts))
            && !exclude.iter().any(|p| p.matches_path_with(rel, opts));
        if wanted {
            items.push(Item {
                key: entry.path().display().to_string(),
                rel: rel.to_path_buf(),
                source: Source::Path(entry.path().to_path_buf()),
            });
        }
    }
    Ok(())
}

/// A file named directly (or by a manifest): mirrored by its relative path when it is one that
/// stays inside the output folder, else by its file name.
fn file_item(path: &Path) -> Item {
    let rel = if is_inside(path) {
        path.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect()
    } else {
        PathBuf::from(path.file_name().unwrap_or(path.as_os_str()))
    };
    Item {
        key: path.display().to_string(),
        rel,
        source: Source::Path(path.to_path_buf()),
    }
}

/// Whether a relative path stays below its base (no root, no `..`).
fn is_inside(path: &Path) -> bool {
    path.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && path.components().any(|c| matches!(c, Component::Normal(_)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ManifestKind {
    Jsonl,
    Tsv,
}

impl ManifestKind {
    /// By extension (`.tsv`; `.jsonl`, `.ndjson`, `.json`), else by the first line's look.
    fn of(path: &Path, text: &str) -> ManifestKind {
        match path.extension().and_then(|e| e.to_str()) {
            Some("tsv") => ManifestKind::Tsv,
            Some("jsonl" | "ndjson" | "json") => ManifestKind::Jsonl,
            _ => {
                let first = text.lines().map(str::trim).find(|l| !l.is_empty());
                if first.is_some_and(|l| l.starts_with('{') || l.starts_with('"')) {
                    ManifestKind::Jsonl
                } else {
                    ManifestKind::Tsv
                }
            }
        }
    }
}

/// A JSONL manifest line: a path string, `{"path": ..}` (with an optional `id`), or
/// `{"id": .., "text": ..}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum JsonEntry {
    Path(String),
    Record {
        id: Option<String>,
        path: Option<String>,
        text: Option<String>,
    },
}

fn parse_manifest(
    text: &str,
    manifest: &Path,
    base: &Path,
    kind: ManifestKind,
    items: &mut Vec<Item>,
    bad: &mut Vec<Unusable>,
) {
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let key = format!("{}:{}", manifest.display(), n + 1);
        let fail = |reason: String| Unusable {
            key: key.clone(),
            error: Error::Batch {
                path: manifest.to_path_buf(),
                reason: format!("line {}: {reason}", n + 1),
            },
        };
        let entry = match kind {
            ManifestKind::Jsonl => match serde_json::from_str::<JsonEntry>(line) {
                Ok(JsonEntry::Path(p)) => Ok((None, Some(p), None)),
                Ok(JsonEntry::Record { id, path, text }) => Ok((id, path, text)),
                Err(e) => Err(format!("not a manifest record: {e}")),
            },
            ManifestKind::Tsv => match line.split_once('\t') {
                None => Ok((None, Some(line.trim().to_string()), None)),
                Some((id, text)) => {
                    Ok((Some(id.trim().to_string()), None, Some(unescape_tsv(text))))
                }
            },
        };
        let item = entry.and_then(|(id, path, text)| match (id, path, text) {
            (Some(id), None, Some(text)) => record_item(id, text),
            (id, Some(path), None) => {
                let full = if Path::new(&path).is_absolute() {
                    PathBuf::from(&path)
                } else {
                    base.join(&path)
                };
                let mut item = file_item(Path::new(&path));
                item.source = Source::Path(full);
                if let Some(id) = id {
                    item.rel = checked_id(&id)?;
                    item.key = id;
                }
                Ok(item)
            }
            _ => Err("expected a path, or an id with a text".to_string()),
        });
        match item {
            Ok(item) => items.push(item),
            Err(reason) => bad.push(fail(reason)),
        }
    }
}

fn record_item(id: String, text: String) -> std::result::Result<Item, String> {
    Ok(Item {
        rel: checked_id(&id)?,
        key: id,
        source: Source::Text(text),
    })
}

/// A record id as an output name: a relative path that stays inside the output folder.
fn checked_id(id: &str) -> std::result::Result<PathBuf, String> {
    let path = Path::new(id);
    if id.trim().is_empty() || !is_inside(path) {
        return Err(format!(
            "id {id:?} cannot name an output file inside the output folder"
        ));
    }
    Ok(path.to_path_buf())
}

/// TSV text fields cannot hold line breaks or tabs: `\n`, `\t` and `\\` stand for them.
fn unescape_tsv(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn keys_rels(items: &[Item]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|i| (i.key.clone(), i.rel.display().to_string()))
            .collect()
    }

    #[test]
    fn folders_recursive_with_globs_and_output_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        for f in [
            "a.txt",
            "sub/b.txt",
            "sub/c.md",
            "sub/draft-d.txt",
            "out/x.txt",
        ] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "نص").unwrap();
        }
        let sel = Selection {
            inputs: vec![root.clone()],
            exclude: vec!["*draft*".into()],
            skip_dir: Some(root.join("out")),
            ..Selection::default()
        };
        let (items, bad) = discover(&sel).unwrap();
        assert!(bad.is_empty());
        let r = |s: &str| root.join(s).display().to_string();
        assert_eq!(
            keys_rels(&items),
            vec![
                (r("a.txt"), "a.txt".into()),
                (r("sub/b.txt"), "sub/b.txt".into())
            ]
        );
        let sel = Selection {
            inputs: vec![root.clone()],
            include: vec!["*.md".into()],
            ..Selection::default()
        };
        let (items, _) = discover(&sel).unwrap();
        assert_eq!(keys_rels(&items), vec![(r("sub/c.md"), "sub/c.md".into())]);
    }

    #[test]
    fn manifests_jsonl_and_tsv() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = dir.path().join("m.jsonl");
        fs::write(
            &jsonl,
            concat!(
                "\"a/one.txt\"\n",
                "{\"path\": \"two.txt\", \"id\": \"news/2\"}\n",
                "{\"id\": \"r1\", \"text\": \"قال الوزير\"}\n",
                "\n",
                "{\"id\": \"../escape\", \"text\": \"x\"}\n",
                "not json\n",
            ),
        )
        .unwrap();
        let sel = Selection {
            manifest: Some(jsonl.clone()),
            ..Selection::default()
        };
        let (items, bad) = discover(&sel).unwrap();
        assert_eq!(
            keys_rels(&items),
            vec![
                ("a/one.txt".into(), "a/one.txt".into()),
                ("news/2".into(), "news/2".into()),
                ("r1".into(), "r1".into()),
            ]
        );
        assert_eq!(items[0].source, Source::Path(dir.path().join("a/one.txt")));
        assert_eq!(items[2].source, Source::Text("قال الوزير".into()));
        let bad_keys: Vec<String> = bad
            .iter()
            .map(|b| b.key.rsplit(':').next().unwrap().to_string())
            .collect();
        assert_eq!(bad_keys, vec!["5", "6"]);
        assert!(bad[0].error.to_string().contains("m.jsonl"));

        let tsv = dir.path().join("m.tsv");
        fs::write(&tsv, "/abs/p.txt\nid9\tسطر\\nثان\n").unwrap();
        let sel = Selection {
            manifest: Some(tsv),
            ..Selection::default()
        };
        let (items, bad) = discover(&sel).unwrap();
        assert!(bad.is_empty());
        assert_eq!(
            keys_rels(&items),
            vec![
                ("/abs/p.txt".into(), "p.txt".into()),
                ("id9".into(), "id9".into())
            ]
        );
        assert_eq!(items[1].source, Source::Text("سطر\nثان".into()));
    }

    #[test]
    fn colliding_outputs_reported() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.jsonl");
        fs::write(&m, "{\"id\":\"x\",\"text\":\"a\"}\n\"/elsewhere/x\"\n").unwrap();
        let (items, bad) = discover(&Selection {
            manifest: Some(m),
            ..Selection::default()
        })
        .unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(bad.len(), 1);
        assert!(
            bad[0].error.to_string().contains("already used"),
            "{}",
            bad[0].error
        );
    }

    #[test]
    fn bad_glob_is_a_setting_error() {
        let sel = Selection {
            include: vec!["[".into()],
            ..Selection::default()
        };
        assert!(matches!(discover(&sel), Err(Error::Setting { .. })));
    }
}
