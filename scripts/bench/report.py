#!/usr/bin/env python3
"""Merge the per-engine JSON results of one benchmark run into a Markdown report.

Reads every `*.json` under --results (one engine and shape per file, as written by bench_py.py
and by tarjuman's `examples/bench_engine.rs`), and writes, per model shape, a table of generated
tokens/s and sentences/s per engine and setting, model load time and peak RSS, followed by
tarjuman's ratio to each other engine (tarjuman tok/s / engine tok/s, > 1 = tarjuman faster).
"""
import argparse
import json
import sys
from pathlib import Path

COLS = [("greedy", 1), ("greedy", 16), ("beam4", 1), ("beam4", 16)]


def cell(r, key, fmt):
    return fmt.format(r[key]) if r else "–"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--results", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--note", default="", help="free text put under the title (machine, load)")
    args = ap.parse_args()

    runs = {}
    for f in sorted(args.results.glob("*.json")):
        try:
            d = json.loads(f.read_text())
        except json.JSONDecodeError as e:
            print(f"skipping {f}: {e}", file=sys.stderr)
            continue
        shape = f.stem.split("__")[0]
        runs.setdefault(shape, []).append(d)

    lines = ["# tarjuman benchmark", ""]
    if args.note:
        lines += [args.note, ""]
    for shape, engines in runs.items():
        any_r = engines[0]["results"][0] if engines[0]["results"] else {}
        lines += [
            f"## {shape}",
            "",
            f"{any_r.get('sentences', '?')} segments, {engines[0]['threads']} threads, output forced to "
            f"{any_r.get('new_tokens', 0) // max(any_r.get('sentences', 1), 1)} new tokens, best of "
            f"{len(any_r.get('runs_s', []))}; generated tokens/s (sentences/s).",
            "",
            "| engine | greedy b1 | greedy b16 | beam4 b1 | beam4 b16 | load s | peak RSS MB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        by = {}
        for e in engines:
            res = {(r["setting"], r["batch"]): r for r in e["results"]}
            by[e["engine"]] = res
            cells = [
                f"{r['tok_per_s']:.0f} ({r['sent_per_s']:.2f})" if (r := res.get(c)) else "–" for c in COLS
            ]
            lines.append(
                f"| {e['engine']} | " + " | ".join(cells) + f" | {e['load_s']:.2f} | {e['peak_rss_mb']:.0f} |"
            )
        ours = [n for n in by if n.startswith("tarjuman")]
        others = [n for n in by if not n.startswith("tarjuman")]
        if ours and others:
            lines += ["", "Ratio (tarjuman tok/s ÷ engine tok/s):", "",
                      "| tarjuman | vs | greedy b1 | greedy b16 | beam4 b1 | beam4 b16 |",
                      "|---|---|---:|---:|---:|---:|"]
            for o in ours:
                for e in others:
                    cells = []
                    for c in COLS:
                        a, b = by[o].get(c), by[e].get(c)
                        cells.append(f"{a['tok_per_s'] / b['tok_per_s']:.2f}×" if a and b else "–")
                    lines.append(f"| {o} | {e} | " + " | ".join(cells) + " |")
        lines.append("")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
