//! `tarjuman batch` as a process on the tiny model: outputs mirroring the inputs, the journal,
//! bad inputs recorded while the batch goes on, `--resume` after SIGKILL giving the same outputs
//! as an uninterrupted run, shards whose union is the full run, manifests and stdin.

use crate::common::{bin, output_with_stdin, root};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Sentences of our own, combined into test articles.
const SENTENCES: &[&str] = &[
    "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل.",
    "وأضاف أن الوفد سيصل إلى العاصمة يوم الاثنين.",
    "وقتل ١٥ شخصا في الحادث الذي وقع عام ٢٠٢٢.",
    "ارتفعت أسعار النفط بنسبة ٣٫٥ في المئة.",
    "أعلنت الشركة عن أرباح قياسية في الربع الثالث.",
    "وقال المتحدث باسم الحكومة: «لن نتراجع عن هذا القرار».",
    "القاهرة (رويترز) - اجتمع الرئيس مع رئيس الوزراء.",
    "يتوقع الخبراء أن يستمر التضخم حتى نهاية العام.",
    "شارك آلاف الأشخاص في المظاهرة وسط المدينة.",
    "وأشار التقرير إلى تراجع معدلات البطالة.",
];

fn tiny_model() -> PathBuf {
    root().join("models/tiny-marian")
}

/// Writes `n` articles under `dir` in two sub-folders; article `i` has 1–4 sentences.
fn corpus(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let k = 1 + i % 4;
            let body: Vec<&str> = (0..k)
                .map(|j| SENTENCES[(i * 7 + j * 3) % SENTENCES.len()])
                .collect();
            let text = if k > 2 {
                format!("{}\n\n{}\n", body[..2].join(" "), body[2..].join(" "))
            } else {
                format!("{}\n", body.join(" "))
            };
            let path = dir
                .join(format!("part{}", i % 2))
                .join(format!("doc{i:03}.txt"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

fn batch_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.arg("batch")
        .args(args)
        .arg("--model-dir")
        .arg(tiny_model())
        .args(["--beam", "2", "--quiet"])
        // Fixed header dates: runs at different times must give identical files.
        .env("SOURCE_DATE_EPOCH", "1800000000")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn batch(args: &[&str]) -> Output {
    batch_cmd(args).output().unwrap()
}

/// Runs a batch over `inputs` into `out` with `extra` options.
fn batch_into(inputs: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![inputs.to_str().unwrap(), "--out-dir", out.to_str().unwrap()];
    args.extend(extra);
    batch(&args)
}

/// Asserts the exit code, showing stderr when it is not the one expected.
fn expect_code(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn journal(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Input → how many records of `status` it has, over all journals of `out`.
fn count_status(out: &Path, status: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for entry in fs::read_dir(out).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("journal") && name.ends_with(".jsonl") {
            for r in journal(&p) {
                if r["status"] == status {
                    *counts
                        .entry(r["input"].as_str().unwrap().to_string())
                        .or_default() += 1;
                }
            }
        }
    }
    counts
}

/// Every output file under `out` (journals and caches left out) with its bytes.
fn outputs(out: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if !name.starts_with("journal") && !name.starts_with("cache") {
                files.insert(
                    p.strip_prefix(out).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    files
}

#[test]
fn outputs_mirror_the_tree_and_resume_skips_done_work() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("corpus");
    corpus(&inputs, 6);
    let out = dir.path().join("out");
    let run = batch_into(&inputs, &out, &["--format", "json,text"]);
    expect_code(&run, 0);
    let files = outputs(&out);
    assert_eq!(files.len(), 12);
    assert!(files.contains_key(Path::new("part0/doc000.json")));
    assert!(files.contains_key(Path::new("part1/doc005.en.txt")));
    let records = journal(&out.join("journal.jsonl"));
    assert_eq!(records.len(), 6);
    for r in &records {
        assert_eq!(r["status"], "done");
        assert!(r["sentences"].as_u64().unwrap() >= 1);
        assert_eq!(r["sha256"].as_str().unwrap().len(), 64);
        assert!(r["seconds"].is_number());
    }

    // Resume: everything skipped; then change one input: only it is redone.
    let again = batch_into(&inputs, &out, &["--format", "json,text", "--resume"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(count_status(&out, "skipped").len(), 6);
    fs::write(inputs.join("part0/doc002.txt"), "نص جديد تماما.\n").unwrap();
    let third = batch_into(&inputs, &out, &["--format", "json,text", "--resume"]);
    assert_eq!(third.status.code(), Some(0));
    let done = count_status(&out, "done");
    let changed = inputs.join("part0/doc002.txt").display().to_string();
    assert_eq!(done[&changed], 2);
    assert_eq!(done.values().filter(|&&n| n == 1).count(), 5);
    assert_eq!(outputs(&out).len(), 12);

    // Other settings (here int8 weights) redo every input under --resume, and the outputs say so.
    let fourth = batch_into(
        &inputs,
        &out,
        &["--format", "json,text", "--resume", "--quantize", "int8"],
    );
    expect_code(&fourth, 0);
    let done = count_status(&out, "done");
    assert_eq!(done.values().filter(|&&n| n == 2).count(), 5);
    assert_eq!(done[&changed], 3);
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("part0/doc000.json")).unwrap()).unwrap();
    assert_eq!(json["model"]["quantize"], "int8");
}

#[test]
fn bad_inputs_are_recorded_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("corpus");
    corpus(&inputs, 2);
    let large = "قال الوزير ".repeat(100);
    let bad: &[(&str, &[u8], &str)] = &[
        ("latin1.txt", b"caf\xe9 au lait", "UTF-8"),
        ("empty.txt", b" \n\n", "empty"),
        ("binary.txt", b"\x7fELF\0\0\0", "binary"),
        ("large.txt", large.as_bytes(), "limit"),
    ];
    for (name, bytes, _) in bad {
        fs::write(inputs.join(name), bytes).unwrap();
    }
    let out = dir.path().join("out");
    let run = batch_into(&inputs, &out, &["--max-bytes", "500"]);
    expect_code(&run, 1);
    let records = journal(&out.join("journal.jsonl"));
    assert_eq!(records.len(), 6);
    for (name, _, why) in bad {
        let r = records
            .iter()
            .find(|r| r["input"].as_str().unwrap().ends_with(name))
            .unwrap();
        assert_eq!(r["status"], "failed", "{name}");
        let error = r["error"].as_str().unwrap();
        assert!(
            error.contains(name) && error.contains(why),
            "{name}: {error}"
        );
    }
    assert_eq!(records.iter().filter(|r| r["status"] == "done").count(), 2);
}

#[test]
fn sigkill_then_resume_gives_the_uninterrupted_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("corpus");
    let n = 300;
    corpus(&inputs, n);
    let common = [
        "--format",
        "json,tsv",
        "--group-sentences",
        "1",
        "--jobs",
        "1",
    ];

    let full = dir.path().join("full");
    expect_code(&batch_into(&inputs, &full, &common), 0);

    let killed = dir.path().join("killed");
    let mut args = vec![
        inputs.to_str().unwrap(),
        "--out-dir",
        killed.to_str().unwrap(),
    ];
    args.extend(common);
    let mut child = batch_cmd(&args).spawn().unwrap();
    let journal_path = killed.join("journal.jsonl");
    let deadline = Instant::now() + Duration::from_secs(120);
    while journal(&journal_path).len() < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = journal(&journal_path).len();
    assert!(
        at_kill >= 5 && at_kill < n,
        "killed after {at_kill} of {n} inputs: not in the middle"
    );

    args.push("--resume");
    let resumed = batch(&args);
    expect_code(&resumed, 0);
    let done = count_status(&killed, "done");
    assert_eq!(done.len(), n);
    assert!(done.values().all(|&c| c == 1), "an input was done twice");
    assert_eq!(outputs(&killed), outputs(&full));
}

#[test]
fn shards_union_is_the_full_run() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("corpus");
    let n = 20;
    corpus(&inputs, n);
    let full = dir.path().join("full");
    assert_eq!(batch_into(&inputs, &full, &[]).status.code(), Some(0));
    let sharded = dir.path().join("sharded");
    let shards = 3;
    for k in 0..shards {
        let shard = format!("{k}/{shards}");
        let run = batch_into(&inputs, &sharded, &["--shard", &shard]);
        expect_code(&run, 0);
        let records = journal(&sharded.join(format!("journal.shard-{k}-of-{shards}.jsonl")));
        assert!(!records.is_empty(), "shard {shard} got nothing of {n}");
    }
    let done = count_status(&sharded, "done");
    assert_eq!(done.len(), n);
    assert!(done.values().all(|&c| c == 1));
    assert_eq!(outputs(&sharded), outputs(&full));
}

#[test]
fn records_from_stdin_and_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let records = format!(
        "{}\n{}\n{}\n",
        serde_json::json!({"id": "wire/1", "text": SENTENCES[0]}),
        serde_json::json!({"id": "wire/2", "text": SENTENCES[1]}),
        "{broken",
    );
    let run = output_with_stdin(
        &mut batch_cmd(&["-", "--out-dir", out.to_str().unwrap()]),
        records.as_bytes(),
    );
    expect_code(&run, 1);
    assert!(out.join("wire/1.json").is_file() && out.join("wire/2.json").is_file());
    let failed = count_status(&out, "failed");
    assert_eq!(failed.len(), 1);

    let corpus_dir = dir.path().join("c");
    let files = corpus(&corpus_dir, 3);
    let manifest = dir.path().join("list.tsv");
    let lines: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string())
        .collect();
    fs::write(&manifest, lines.join("\n") + "\n").unwrap();
    let out2 = dir.path().join("out2");
    let run = batch(&[
        "--manifest",
        manifest.to_str().unwrap(),
        "--out-dir",
        out2.to_str().unwrap(),
    ]);
    expect_code(&run, 0);
    assert!(out2.join("c/part0/doc000.json").is_file());
    assert_eq!(count_status(&out2, "done").len(), 3);
}
