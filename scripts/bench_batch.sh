#!/usr/bin/env bash
# Batch throughput: `tarjuman batch` over a generated corpus against `tarjuman translate` run on
# the files one by one (one process, one model load per file, as a shell loop would do).
#
# The corpus: N documents (default 1000) of 2–8 sentences drawn with repeats from the shared
# UD Arabic-PUD sentences (../shared/data/ud-pud-ar-en/wiki.tsv), each with a wire-service
# byline, in paragraphs, generated with a fixed seed into scripts/bench/work/batch/ (git-ignored).
#
# Usage: scripts/bench_batch.sh [--model-dir DIR] [--docs N] [--one-by-one M] [--bin PATH]
#   --model-dir   model folder (default: models/tiny-marian, the random-weight test model)
#   --one-by-one  how many files to time with `translate` (the rate is per document; default 50)
#   --bin         the tarjuman binary (default: target/release/tarjuman, built if missing)
# Extra arguments after `--` go to both commands (e.g. `-- --beam 1 --threads 2`).
set -euo pipefail
cd "$(dirname "$0")/.."

model_dir=models/tiny-marian
docs=1000
one_by_one=50
bin=target/release/tarjuman
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model-dir) model_dir=$2; shift 2 ;;
    --docs) docs=$2; shift 2 ;;
    --one-by-one) one_by_one=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

tsv=../shared/data/ud-pud-ar-en/wiki.tsv
[ -f "$tsv" ] || { echo "shared sentences $tsv are absent" >&2; exit 2; }
[ -x "$bin" ] || cargo build --release --quiet
work=scripts/bench/work/batch
rm -rf "$work"
mkdir -p "$work/corpus"

python3 - "$tsv" "$work/corpus" "$docs" <<'PY'
import random, sys, pathlib
tsv, out, n = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3])
sents = [line.split("\t")[2] for line in open(tsv, encoding="utf-8") if line.count("\t") >= 3]
rng = random.Random(20261128)
bylines = ["القاهرة (رويترز) -", "لندن (أ ف ب) -", "بيروت (الأناضول) -"]
for i in range(n):
    k = rng.randint(2, 8)
    body = rng.choices(sents, k=k)
    paras, j = [], 0
    while j < len(body):
        step = rng.randint(1, 3)
        paras.append(" ".join(body[j:j + step]))
        j += step
    paras[0] = rng.choice(bylines) + " " + paras[0]
    sub = out / f"{i // 100:02d}"
    sub.mkdir(exist_ok=True)
    (sub / f"doc{i:04d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
PY

now() { date +%s.%N; }
echo "corpus: $docs documents in $work/corpus; model: $model_dir"

t0=$(now)
"$bin" batch "$work/corpus" --out-dir "$work/out" --model-dir "$model_dir" --format json --quiet "${extra[@]}" \
  > "$work/batch.log" 2>&1 || { cat "$work/batch.log"; exit 1; }
t1=$(now)
sentences=$(python3 -c 'import json,sys; print(sum(json.loads(l).get("sentences",0) for l in open(sys.argv[1]) if l.strip()))' "$work/out/journal.jsonl")
distinct=$(python3 - "$work/corpus" <<'PY'
import sys, pathlib
print(len(set(p.read_text(encoding="utf-8") for p in pathlib.Path(sys.argv[1]).rglob("*.txt"))))
PY
)

mapfile -t files < <(find "$work/corpus" -name '*.txt' | sort | head -n "$one_by_one")
t2=$(now)
for f in "${files[@]}"; do
  "$bin" translate "$f" --model-dir "$model_dir" --format json -o "$work/one.json" --quiet "${extra[@]}"
done
t3=$(now)

python3 - "$t0" "$t1" "$t2" "$t3" "$docs" "$sentences" "${#files[@]}" "$distinct" <<'PY'
import sys
t0, t1, t2, t3 = map(float, sys.argv[1:5])
docs, sents, m, distinct = map(int, sys.argv[5:9])
b = t1 - t0
o = (t3 - t2) / m
print(f"batch:      {docs} documents, {sents} sentences in {b:.1f} s: "
      f"{docs / b:.3g} documents/s, {sents / b:.3g} sentences/s")
print(f"one by one: {m} documents in {t3 - t2:.1f} s: {1 / o:.3g} documents/s "
      f"(≈ {sents / docs / o:.3g} sentences/s)")
print(f"speed-up:   {(docs / b) * o:.2g}x documents/s ({distinct} distinct documents)")
PY
