#!/usr/bin/env bash
# Run the whole benchmark in one go: models, inputs, every engine in its own process, report.
#   scripts/bench/run.sh                    # both shapes, 100 segments, best of 3
#   SHAPES=opus-mt-ar-en SEGMENTS=32 REPEATS=1 scripts/bench/run.sh    # a quick look
# Environment: PYTHON (default /work/pyenv/bin/python or python3), THREADS (2), SEGMENTS (100),
# REPEATS (3), SHAPES (opus-mt-ar-en,tc-big), ENGINES (tarjuman,tarjuman-int8,transformers,
# ct2-fp32,ct2-int8), SETTINGS (greedy-1,greedy-16,beam4-1,beam4-16), BENCH_BIN (a built
# bench_engine binary; default: build it with cargo --release).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${WORK:-$HERE/work}"
PY="${PYTHON:-$( [ -x /work/pyenv/bin/python ] && echo /work/pyenv/bin/python || echo python3)}"
THREADS="${THREADS:-2}"
SEGMENTS="${SEGMENTS:-100}"
REPEATS="${REPEATS:-3}"
SHAPES="${SHAPES:-opus-mt-ar-en,tc-big}"
ENGINES="${ENGINES:-tarjuman,tarjuman-int8,transformers,ct2-fp32,ct2-int8}"
SETTINGS="${SETTINGS:-greedy-1,greedy-16,beam4-1,beam4-16}"
NEW=32
RESULTS="$WORK/results"
mkdir -p "$RESULTS"

"$PY" "$HERE/prepare.py" --work "$WORK" --segments "$SEGMENTS" --shapes "$SHAPES"

if [[ ",$ENGINES," == *",tarjuman"* && -z "${BENCH_BIN:-}" ]]; then
  (cd "$ROOT" && cargo build --release --example bench_engine)
  TARGET="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
  BENCH_BIN="$TARGET/release/examples/bench_engine"
fi

common=(--inputs "$WORK/inputs.json" --threads "$THREADS" --new-tokens "$NEW" --repeats "$REPEATS"
        --segments "$SEGMENTS" --settings "$SETTINGS")
IFS=, read -ra shapes <<< "$SHAPES"
IFS=, read -ra engines <<< "$ENGINES"
for shape in "${shapes[@]}"; do
  M="$WORK/models/$shape"
  for engine in "${engines[@]}"; do
    out="$RESULTS/${shape}__${engine}.json"
    echo "== $shape / $engine" >&2
    case "$engine" in
      tarjuman)      RAYON_NUM_THREADS="$THREADS" "$BENCH_BIN" --model-dir "$M/hf" --shape "$shape" --label "tarjuman fp32" "${common[@]}" > "$out" ;;
      tarjuman-int8) RAYON_NUM_THREADS="$THREADS" "$BENCH_BIN" --model-dir "$M/hf" --shape "$shape" --label "tarjuman int8" --quantize int8 "${common[@]}" > "$out" ;;
      transformers)  OMP_NUM_THREADS="$THREADS" "$PY" "$HERE/bench_py.py" --engine transformers --label "transformers fp32" --model "$M/hf" --shape "$shape" "${common[@]}" > "$out" ;;
      ct2-fp32)      "$PY" "$HERE/bench_py.py" --engine ctranslate2 --label "ctranslate2 fp32" --model "$M/ct2-fp32" --shape "$shape" "${common[@]}" > "$out" ;;
      ct2-int8)      "$PY" "$HERE/bench_py.py" --engine ctranslate2 --label "ctranslate2 int8" --model "$M/ct2-int8" --shape "$shape" "${common[@]}" > "$out" ;;
      *) echo "unknown engine $engine" >&2; exit 2 ;;
    esac
  done
done

note="Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). $(date -u +%Y-%m-%dT%H:%MZ)."
"$PY" "$HERE/report.py" --results "$RESULTS" --out "$WORK/report.md" --note "$note"
echo "report: $WORK/report.md" >&2
