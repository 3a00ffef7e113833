#!/usr/bin/env python3
"""Time one reference engine (transformers or CTranslate2) on the benchmark inputs.

Run one engine per process (so that peak RSS is that engine's own) and print one JSON object:
{"engine", "model", "threads", "load_s", "peak_rss_mb", "results": [{"setting", "beam", "batch",
"sentences", "new_tokens", "best_s", "runs_s", "sent_per_s", "tok_per_s"}]}.

Tokenization is excluded: inputs.json holds the pieces and ids prepared by prepare.py. The output
length is pinned to exactly --new-tokens tokens per sentence (end token suppressed until then,
and generation stopped there), so random weights do the same work in every engine.
"""
import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

SETTINGS = [("greedy", 1, 1), ("greedy", 1, 16), ("beam4", 4, 1), ("beam4", 4, 16)]


def chunks(xs, n):
    return [xs[i : i + n] for i in range(0, len(xs), n)]


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_hf(args, segs, settings):
    import torch
    from transformers import MarianMTModel

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    t0 = time.perf_counter()
    model = MarianMTModel.from_pretrained(args.model, dtype=torch.float32).eval().to(args.device)
    if args.device.startswith("cuda"):
        torch.cuda.synchronize()
    load_s = time.perf_counter() - t0
    pad = model.config.pad_token_id
    ids = [s["ids"][args.shape] for s in segs]

    def run(beam, batch, n=None):
        produced = 0
        for group in chunks(ids[:n], batch):
            width = max(len(x) for x in group)
            # Left-aligned with right padding, as MarianTokenizer pads.
            inp = torch.tensor([x + [pad] * (width - len(x)) for x in group], device=args.device)
            mask = (inp != pad).long()
            with torch.inference_mode():
                out = model.generate(
                    input_ids=inp,
                    attention_mask=mask,
                    num_beams=beam,
                    do_sample=False,
                    min_new_tokens=args.new_tokens,
                    max_new_tokens=args.new_tokens,
                    early_stopping=True,
                )
            if args.device.startswith("cuda"):
                torch.cuda.synchronize()
            # Minus the decoder start token.
            produced += (out.shape[1] - 1) * out.shape[0]
        return produced

    return load_s, run


def run_ct2(args, segs, settings):
    import ctranslate2

    t0 = time.perf_counter()
    tr = ctranslate2.Translator(
        args.model, device=args.device.split(":")[0], intra_threads=args.threads, inter_threads=1, compute_type="default"
    )
    load_s = time.perf_counter() - t0
    # The CTranslate2 Marian converter drops <pad> from the vocabulary (and starts decoding from
    # </s>), so pad cannot be generated: nothing to suppress, as HF's bad_words_ids [[pad]] does.
    toks = [s["pieces"] for s in segs]

    def run(beam, batch, n=None):
        produced = 0
        for group in chunks(toks[:n], batch):
            res = tr.translate_batch(
                group,
                beam_size=beam,
                max_batch_size=0,
                min_decoding_length=args.new_tokens,
                max_decoding_length=args.new_tokens,
                return_scores=False,
                return_end_token=True,
            )
            produced += sum(len(r.hypotheses[0]) for r in res)
        return produced

    return load_s, run


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine", choices=["transformers", "ctranslate2"], required=True)
    ap.add_argument("--label", help="engine label in the report (default: --engine)")
    ap.add_argument("--model", required=True)
    ap.add_argument("--shape", required=True, help="key of the ids in inputs.json")
    ap.add_argument("--inputs", type=Path, required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda (GPU run, scripts/bench/gpu.sh)")
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--segments", type=int, default=0, help="use only the first N (0 = all)")
    ap.add_argument("--settings", default="greedy-1,greedy-16,beam4-1,beam4-16")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))

    segs = json.loads(args.inputs.read_text(encoding="utf-8"))["segments"]
    if args.segments:
        segs = segs[: args.segments]
    wanted = set(args.settings.split(","))
    settings = [s for s in SETTINGS if f"{s[0]}-{s[2]}" in wanted]
    load_s, run = (run_hf if args.engine == "transformers" else run_ct2)(args, segs, settings)

    import platform

    results = []
    for name, beam, batch in settings:
        # Warm-up: one batch, untimed (first-call allocations, lazy init).
        run(beam, batch, batch)
        times = []
        produced = 0
        for _r in range(args.repeats):
            t0 = time.perf_counter()
            produced = run(beam, batch)
            times.append(time.perf_counter() - t0)
        best = min(times)
        results.append(
            dict(
                setting=name, beam=beam, batch=batch, sentences=len(segs), new_tokens=produced,
                best_s=best, runs_s=times, sent_per_s=len(segs) / best, tok_per_s=produced / best,
            )
        )
        print(f"{args.label or args.engine} {name} b{batch}: {produced / best:.1f} tok/s", file=sys.stderr)
    print(
        json.dumps(
            dict(
                engine=args.label or args.engine, model=str(args.model), threads=args.threads,
                load_s=load_s, peak_rss_mb=peak_rss_mb(), machine=platform.processor() or platform.machine(),
                results=results,
            )
        )
    )


if __name__ == "__main__":
    main()
