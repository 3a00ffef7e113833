#!/usr/bin/env bash
# The GPU benchmark: tarjuman (built with the `cuda` feature) against transformers on CUDA, same
# models, inputs and settings as run.sh. One short script, to run on a machine with an NVIDIA GPU
# and the CUDA toolkit (nvcc) after `scripts/bench/prepare.py` has written the models:
#   scripts/bench/gpu.sh        # writes scripts/bench/work/gpu/report.md
# Not run yet: the development machine has no GPU (see README.md).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="${WORK:-$HERE/work}"
PY="${PYTHON:-python3}"
SHAPES="${SHAPES:-opus-mt-ar-en,tc-big}"
REPEATS="${REPEATS:-3}"
OUT="$WORK/gpu"
mkdir -p "$OUT"
[ -f "$WORK/inputs.json" ] || "$PY" "$HERE/prepare.py" --work "$WORK" --shapes "$SHAPES"
(cd "$ROOT" && cargo build --release --features cuda --example bench_engine)
TARGET="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
common=(--inputs "$WORK/inputs.json" --new-tokens 32 --repeats "$REPEATS" --settings greedy-1,greedy-16,beam4-1,beam4-16)
IFS=, read -ra shapes <<< "$SHAPES"
for shape in "${shapes[@]}"; do
  M="$WORK/models/$shape/hf"
  "$TARGET/release/examples/bench_engine" --device cuda --model-dir "$M" --shape "$shape" --label "tarjuman cuda fp32" "${common[@]}" > "$OUT/${shape}__tarjuman.json"
  "$PY" "$HERE/bench_py.py" --engine transformers --device cuda --label "transformers cuda fp32" --model "$M" --shape "$shape" "${common[@]}" > "$OUT/${shape}__transformers.json"
done
"$PY" "$HERE/report.py" --results "$OUT" --out "$OUT/report.md" --note "GPU: $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
