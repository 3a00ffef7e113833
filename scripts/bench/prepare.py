#!/usr/bin/env python3
"""Generate the benchmark models and inputs for scripts/bench (see README.md).

Writes into scripts/bench/work/ (git-ignored):
  spm/                      SentencePiece models trained on the benchmark corpus
  models/<shape>/hf/        random-weight MarianMTModel (safetensors, fp32) + source.spm,
                            target.spm, vocab.json, configs: the layout tarjuman loads
  models/<shape>/ct2-fp32/  the same weights converted to CTranslate2 (float32)
  models/<shape>/ct2-int8/  ... and quantized to int8 by the CTranslate2 converter
  inputs.json               the benchmark segments (text, spm pieces, Marian ids per shape)

Shapes: "opus-mt-ar-en" (d_model 512, 6+6 layers, 8 heads, ffn 2048, swish, 512 positions,
vocab 62834) and "tc-big" (d_model 1024, 16 heads, ffn 4096, relu, 1024 positions, vocab 61109).
The weights are random (seeded): the output text is meaningless, and every engine is forced to
produce exactly the same number of tokens, so they all do the same arithmetic.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import sentencepiece as spm
import torch
from transformers import GenerationConfig, MarianConfig, MarianMTModel

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

SHAPES = {
    "opus-mt-ar-en": dict(
        d_model=512, layers=6, heads=8, ffn=2048, act="swish", positions=512, vocab=62834
    ),
    "tc-big": dict(
        d_model=1024, layers=6, heads=16, ffn=4096, act="relu", positions=1024, vocab=61109
    ),
}

# A few hand-written news-style sentences; the bulk of the corpus is read at run time from the
# shared UD PUD Arabic-English file (never copied into the repository).
OWN_SENTENCES = [
    "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في القاهرة.",
    "أعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية.",
    "وأضاف المتحدث باسم الجيش أن القوات سيطرت على المدينة بعد معارك عنيفة.",
    "ارتفعت أسعار النفط بنسبة ثلاثة في المئة بعد قرار منظمة أوبك خفض الإنتاج.",
    "وقالت رئيسة الوزراء البريطانية ليز تروس إنها لن تتراجع عن خطتها الاقتصادية.",
    "ذكرت وكالة بلومبيرغ أن الشركة تدرس بيع جزء من أسهمها لمستثمرين أجانب.",
    "يعقد مجلس الأمن الدولي جلسة طارئة لمناقشة الأوضاع الإنسانية في غزة.",
    "أكد الرئيس أن الانتخابات ستجرى في موعدها المحدد رغم الأزمة السياسية.",
]


def read_corpus(pud: Path, n: int):
    """The first n Arabic segments: own sentences first, then the PUD file's Arabic column."""
    segs = list(OWN_SENTENCES)
    english = []
    if pud.is_file():
        for line in pud.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) >= 4 and cols[2].strip():
                segs.append(cols[2].strip())
                english.append(cols[3].strip())
    else:
        print(f"warning: {pud} not found; using only the built-in sentences", file=sys.stderr)
    if len(segs) < n:
        # Without the shared corpus: cycle the built-in sentences (still a valid timing input).
        segs = (segs * (n // len(segs) + 1))
    return segs[:n], segs, english


def train_spm(prefix: Path, lines, vocab: int):
    prefix.parent.mkdir(parents=True, exist_ok=True)
    txt = prefix.with_suffix(".txt")
    txt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(txt),
        model_prefix=str(prefix),
        vocab_size=vocab,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        # Marian's spm files carry <unk>=0, <s>=1, </s>=2 (ids unused: vocab.json decides).
        bos_id=1,
        eos_id=2,
        unk_id=0,
        pad_id=-1,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def build_vocab(src_model: Path, tgt_model: Path, size: int):
    """Marian's joint vocab.json: </s>=0, <unk>=1, spm pieces, filler up to size-1, <pad>=size-1."""
    vocab = {"</s>": 0, "<unk>": 1}
    for m in (src_model, tgt_model):
        sp = spm.SentencePieceProcessor(model_file=str(m))
        for i in range(sp.get_piece_size()):
            p = sp.id_to_piece(i)
            if p in ("<unk>", "<s>", "</s>") or p in vocab:
                continue
            vocab[p] = len(vocab)
    if len(vocab) > size - 1:
        raise SystemExit(f"spm pieces ({len(vocab)}) exceed vocab size {size}")
    i = 0
    while len(vocab) < size - 1:
        vocab[f"<filler_{i}>"] = len(vocab)
        i += 1
    vocab["<pad>"] = size - 1
    return vocab


def make_model(shape: str, out: Path, spm_src: Path, spm_tgt: Path, seed: int):
    s = SHAPES[shape]
    out.mkdir(parents=True, exist_ok=True)
    vocab = build_vocab(spm_src, spm_tgt, s["vocab"])
    pad = s["vocab"] - 1
    cfg = MarianConfig(
        vocab_size=s["vocab"],
        decoder_vocab_size=s["vocab"],
        d_model=s["d_model"],
        encoder_layers=s["layers"],
        decoder_layers=s["layers"],
        encoder_attention_heads=s["heads"],
        decoder_attention_heads=s["heads"],
        encoder_ffn_dim=s["ffn"],
        decoder_ffn_dim=s["ffn"],
        activation_function=s["act"],
        max_position_embeddings=s["positions"],
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(cfg).eval()
    # Random init draws std 0.02 weights; give final_logits_bias something non-zero too so the
    # bias path is exercised in every engine.
    with torch.no_grad():
        model.final_logits_bias.normal_(0.0, 0.02)
    model.generation_config = GenerationConfig(
        num_beams=4,
        max_length=s["positions"],
        bad_words_ids=[[pad]],
        forced_eos_token_id=0,
        decoder_start_token_id=pad,
        pad_token_id=pad,
        eos_token_id=0,
        renormalize_logits=True,
    )
    model.save_pretrained(out, safe_serialization=True)
    # The released opus-mt config.json carries these Marian fields too; keep them so that a
    # loader written against the real file reads this one the same way.
    cfg_path = out / "config.json"
    cfg_json = json.loads(cfg_path.read_text())
    cfg_json.update(
        normalize_before=False,
        normalize_embedding=False,
        static_position_embeddings=True,
        add_bias_logits=False,
        num_beams=4,
        max_length=s["positions"],
        bad_words_ids=[[pad]],
    )
    cfg_path.write_text(json.dumps(cfg_json, indent=2))
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "source.spm").write_bytes(spm_src.read_bytes())
    (out / "target.spm").write_bytes(spm_tgt.read_bytes())
    (out / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "MarianTokenizer",
                "source_lang": "ar",
                "target_lang": "en",
                "model_max_length": s["positions"],
                "eos_token": "</s>",
                "unk_token": "<unk>",
                "pad_token": "<pad>",
                "separate_vocabs": False,
            },
            indent=1,
        )
    )
    return vocab


def convert_ct2(hf: Path, out: Path, quant: str):
    if (out / "model.bin").is_file():
        return
    conv = Path(sys.executable).parent / "ct2-transformers-converter"
    subprocess.run(
        [str(conv), "--model", str(hf), "--output_dir", str(out), "--quantization", quant,
         "--copy_files", "source.spm", "target.spm", "--force"],
        check=True,
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--segments", type=int, default=100)
    ap.add_argument("--shapes", default="opus-mt-ar-en,tc-big")
    ap.add_argument("--pud", type=Path, default=REPO / "../shared/data/ud-pud-ar-en/wiki.tsv")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)

    segs, ar_all, en_all = read_corpus(args.pud, args.segments)
    spm_src = work / "spm" / "source.model"
    spm_tgt = work / "spm" / "target.model"
    if not spm_src.is_file():
        train_spm(work / "spm" / "source", ar_all, 8000)
    if not spm_tgt.is_file():
        train_spm(work / "spm" / "target", en_all or ar_all, 8000)

    sp = spm.SentencePieceProcessor(model_file=str(spm_src))
    inputs = {"segments": []}
    vocabs = {}
    for shape in args.shapes.split(","):
        base = work / "models" / shape
        hf = base / "hf"
        if (hf / "model.safetensors").is_file():
            vocabs[shape] = json.loads((hf / "vocab.json").read_text(encoding="utf-8"))
        else:
            print(f"generating {shape} ...", file=sys.stderr)
            vocabs[shape] = make_model(shape, hf, spm_src, spm_tgt, args.seed)
        convert_ct2(hf, base / "ct2-fp32", "float32")
        convert_ct2(hf, base / "ct2-int8", "int8")
    for text in segs:
        pieces = sp.encode(text, out_type=str)
        seg = {"text": text, "pieces": pieces + ["</s>"], "ids": {}}
        for shape, vocab in vocabs.items():
            seg["ids"][shape] = [vocab.get(p, vocab["<unk>"]) for p in pieces] + [vocab["</s>"]]
        inputs["segments"].append(seg)
    (work / "inputs.json").write_text(json.dumps(inputs, ensure_ascii=False), encoding="utf-8")
    lens = [len(s["pieces"]) for s in inputs["segments"]]
    print(f"{len(lens)} segments, {sum(lens)} source tokens (mean {sum(lens)/len(lens):.1f}, max {max(lens)})")


if __name__ == "__main__":
    main()
