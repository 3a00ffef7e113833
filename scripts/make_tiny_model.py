#!/usr/bin/env python3
"""Build the tiny random-weight Marian test model and record the reference outputs.

tarjuman's tests must not need the network, yet the Rust tokenizer and engine have to be checked
token for token against the reference implementation (HF transformers' MarianTokenizer and
MarianMTModel). This script makes a model that is small enough to commit (a few hundred KB per
variant) but built exactly like an OPUS-MT one:

* SentencePiece unigram models trained here, offline, on Debian's FreeDict Arabic<->English
  dictionaries and (for training only, never copied) the shared UD PUD sentences;
  normalization `nmt_nfkc` as OPUS-MT's.
* one Marian vocab.json shared by source and target pieces, `</s>`=0, `<unk>`=1, `<pad>`=last
  (= decoder start), in an order that differs from either spm's piece order, with a few source
  pieces left out on purpose (so that "spm piece missing from vocab.json -> <unk>" is exercised).
* a random MarianMTModel whose weights are drawn at a scale where outputs differ between
  sentences and `</s>` is sometimes chosen, saved in HF layout as safetensors (tiny-marian),
  pytorch_model.bin (tiny-marian-bin) and with separate embeddings + relu (tiny-marian-sep).
* a trained one (tiny-marian-trained): the same architecture taught to gloss sentences of 60
  dictionary words word by word, so that its predictions are confident as a real model's are
  (the random ones sit near ties at many steps, where any rounding, int8's above all, picks
  another token).

It then records transformers' outputs as JSON under tests/data/reference/.

Usage (from the repository root):  /work/pyenv/bin/python scripts/make_tiny_model.py
Deterministic: same versions (scripts/requirements.txt) give the same files.
"""

import gzip
import io
import json
import os
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

import sentencepiece as spm
import torch
from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "ud-pud-ar-en" / "wiki.tsv"
DICTS = {
    "ara-eng": Path("/usr/share/dictd/freedict-ara-eng.dict.dz"),
    "eng-ara": Path("/usr/share/dictd/freedict-eng-ara.dict.dz"),
}
MODELS = ROOT / "models"
REF = ROOT / "tests" / "data" / "reference"

SEED = 20261128
SRC_VOCAB = 1000
TGT_VOCAB = 800
# A user-defined piece in the source spm: SentencePiece copies it verbatim (no normalization)
# and always prefers it in the lattice. Real OPUS-MT models have none, but the Rust tokenizer
# must handle them, so the fixture has one.
USER_DEFINED = ["كوفيد-19"]
# Source pieces deliberately left out of vocab.json (rare ones, chosen deterministically).
DROPPED_FROM_VOCAB = 3

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")
IPA = re.compile(r"/[^/]*/")


# ---------------------------------------------------------------- training text

def dict_lines(path):
    """Dictionary lines without IPA transcriptions and list numbering."""
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = IPA.sub("", line).strip()
            line = re.sub(r"^\d+\.\s*", "", line)
            if line and not line.startswith("00-"):
                yield line


def training_text(workdir):
    ar, en = [], []
    for path in DICTS.values():
        for line in dict_lines(path):
            if ARABIC.search(line):
                ar.append(line)
            elif LATIN.search(line):
                en.append(line)
    if SHARED.exists():
        for row in SHARED.read_text(encoding="utf-8").splitlines():
            cols = row.split("\t")
            if len(cols) >= 4:
                ar.append(cols[2])
                en.append(cols[3])
    else:
        print(f"note: {SHARED} not found; training on the dictionaries only", file=sys.stderr)
    rng = random.Random(SEED)
    rng.shuffle(ar)
    rng.shuffle(en)
    ar_path, en_path = workdir / "ar.txt", workdir / "en.txt"
    ar_path.write_text("\n".join(ar[:60000]) + "\n", encoding="utf-8")
    en_path.write_text("\n".join(en[:60000]) + "\n", encoding="utf-8")
    return ar_path, en_path, ar


def train_spm(text, prefix, vocab_size, user_defined=()):
    # Lines through an iterator and the model into memory: the trainer spec then records no
    # temporary paths, so reruns give byte-identical .spm files.
    model = io.BytesIO()
    with open(text, encoding="utf-8") as lines:
        spm.SentencePieceTrainer.train(
            sentence_iterator=(line.rstrip("\n") for line in lines),
            model_writer=model,
            vocab_size=vocab_size,
            model_type="unigram",
            normalization_rule_name="nmt_nfkc",
            character_coverage=0.9995,
            user_defined_symbols=list(user_defined),
            hard_vocab_limit=False,
            num_threads=1,
            seed_sentencepiece_size=200000,
            minloglevel=2,
        )
    path = Path(f"{prefix}.model")
    path.write_bytes(model.getvalue())
    return path


def build_vocab(src_model, tgt_model):
    """Marian's shared vocab: </s>, <unk>, then the pieces of both spms, <pad> last.

    The order is shuffled so that vocab.json ids never coincide with spm ids by accident.
    """
    src = spm.SentencePieceProcessor(model_file=str(src_model))
    tgt = spm.SentencePieceProcessor(model_file=str(tgt_model))

    def normal_pieces(sp):
        return [
            sp.id_to_piece(i)
            for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))
        ]

    src_pieces = normal_pieces(src)
    # Leave out a few rare (lowest-scoring, non single-character) source pieces.
    by_score = sorted(
        (p for p in src_pieces if len(p.lstrip("▁")) > 2 and p not in USER_DEFINED),
        key=lambda p: src.get_score(src.piece_to_id(p)),
    )
    dropped = set(by_score[:DROPPED_FROM_VOCAB])
    pieces, seen = [], set()
    for p in src_pieces + normal_pieces(tgt):
        if p not in seen and p not in dropped:
            seen.add(p)
            pieces.append(p)
    random.Random(SEED).shuffle(pieces)
    vocab = {"</s>": 0, "<unk>": 1}
    for p in pieces:
        vocab[p] = len(vocab)
    vocab["<pad>"] = len(vocab)
    return vocab, sorted(dropped)


# ---------------------------------------------------------------- model

def make_config(vocab, shared=True, activation="swish"):
    pad = vocab["<pad>"]
    return MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        activation_function=activation,
        max_position_embeddings=128,
        scale_embedding=True,
        normalize_embedding=False,
        static_position_embeddings=True,
        share_encoder_decoder_embeddings=shared,
        tie_word_embeddings=True,
        pad_token_id=pad,
        eos_token_id=vocab["</s>"],
        decoder_start_token_id=pad,
        forced_eos_token_id=vocab["</s>"],
        bos_token_id=None,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        init_std=0.02,
        architectures=["MarianMTModel"],
    )


def generation_config(vocab):
    pad, eos = vocab["<pad>"], vocab["</s>"]
    return GenerationConfig(
        num_beams=4,
        max_length=128,
        bad_words_ids=[[pad]],
        forced_eos_token_id=eos,
        decoder_start_token_id=pad,
        pad_token_id=pad,
        eos_token_id=eos,
        renormalize_logits=True,
    )


def randomize(model, seed, emb_std=0.4, eos_boost=7.0, gain=8.0):
    """Redraw weights at a scale where the model is not near-uniform.

    HF's init (std 0.02) gives flat logits and the same token for every input. With tied
    embeddings and residual connections a random decoder also tends to copy its input token
    forever, so linear layers get a high gain (std gain/sqrt(fan_in)) that lets the sublayers,
    not the residual token embedding, decide the next token; `</s>` gets a lift in
    final_logits_bias so that some outputs end early (emb_std 0.4, gain 8, eos_boost 7 were
    chosen by trying: all outputs distinct, about a third end before the cap). LayerNorms get
    non-trivial scale/shift (so a swapped weight/bias shows), biases are non-zero. The
    sinusoidal position tables stay as HF makes them.
    """
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "embed_positions" in name:
                continue
            if "layer_norm" in name or "layernorm" in name:
                if name.endswith("weight"):
                    p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
                else:
                    p.copy_(0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.2 * torch.randn(p.shape, generator=g))
            elif p.dim() == 2 and ("embed_tokens" in name or "shared" in name):
                p.copy_(emb_std * torch.randn(p.shape, generator=g))
            elif p.dim() == 2:
                p.copy_(gain * torch.randn(p.shape, generator=g) / p.shape[1] ** 0.5)
        # final_logits_bias is a buffer: random, with </s> lifted so that some outputs end
        # before the length cap.
        bias = 1.0 * torch.randn(model.final_logits_bias.shape, generator=g)
        bias[0, model.config.eos_token_id] += eos_boost
        model.final_logits_bias.copy_(bias)


GLOSS_WORDS = 60
GLOSS_STEPS = 4000


def gloss_lexicon(n=GLOSS_WORDS):
    """n one-word Arabic headwords of the FreeDict dictionary with a one-word English gloss
    (its first sense, 3-9 letters, lowercased), each Arabic and English word used once."""
    pairs, head = [], None
    with gzip.open(DICTS["ara-eng"], "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if ARABIC.search(line):
                head = IPA.sub("", line).strip()
            elif head is not None and LATIN.search(line):
                gloss = re.sub(r"^\d+\.\s*", "", line).strip()
                if " " not in head and re.fullmatch(r"[A-Za-z]{3,9}", gloss):
                    pairs.append((head, gloss.lower()))
                head = None  # the first sense only
    random.Random(SEED).shuffle(pairs)
    seen, lexicon = set(), []
    for ar, en in pairs:
        if ar not in seen and en not in seen:
            seen.update((ar, en))
            lexicon.append((ar, en))
    return lexicon[:n]


def gloss_sentences(lexicon, rng, n):
    """n (Arabic, English) sentences of 1-8 lexicon words, the English a word-by-word gloss."""
    out = []
    for _ in range(n):
        words = rng.sample(lexicon, rng.randint(1, 8))
        out.append((" ".join(a for a, _ in words), " ".join(e for _, e in words)))
    return out


def train_gloss(model, tok, lexicon, steps=GLOSS_STEPS, batch=48):
    """Teach a random model to gloss: AdamW, one-cycle schedule, fresh random sentences each
    step. Ends at a training loss of about 0.005 (about 4 minutes on one core)."""
    rng = random.Random(SEED + 1)
    pad = model.config.pad_token_id
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.1)
    model.train()
    for step in range(steps):
        ar, en = zip(*gloss_sentences(lexicon, rng, batch))
        enc = tok(list(ar), text_target=list(en), return_tensors="pt", padding=True)
        labels = enc["labels"]
        labels[labels == pad] = -100
        loss = model(input_ids=enc.input_ids, attention_mask=enc.attention_mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 500 == 0 or step == steps - 1:
            print(f"gloss training step {step}: loss {loss.item():.4f}", file=sys.stderr)
    model.eval()


def save_variant(model, tok, gen, out, weights):
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if weights == "safetensors":
        model.save_pretrained(out)
    else:
        model.config.save_pretrained(out)
        # The old OPUS-MT checkpoints (opus-mt-ar-en on main) ship a torch pickle, tied
        # tensors stored once: torch.save of the state dict gives the same layout.
        torch.save(model.state_dict(), out / "pytorch_model.bin")
    gen.save_pretrained(out)
    tok.save_pretrained(out)
    # save_pretrained may add files a real OPUS-MT folder doesn't have; keep the standard set.
    for extra in ["special_tokens_map.json", "added_tokens.json"]:
        if (out / extra).exists():
            (out / extra).unlink()


# ---------------------------------------------------------------- sentences

HANDWRITTEN = [
    "قال الرئيس إن الحكومة ستعلن خطة جديدة للاقتصاد يوم الأحد.",
    "أعلنت وزارة الصحة تسجيل 120 إصابة جديدة بفيروس كورونا.",
    "وصرّح المتحدث باسم الخارجية: «لن نقبل بأي تدخل في شؤوننا الداخلية».",
    "هل ستنجح المفاوضات بين الطرفين؟",
    "ارتفع سعر برميل النفط إلى ٨٥ دولاراً، بحسب وكالة رويترز.",
    "نقلت وكالة بلومبيرغ عن مصادر مطلعة أن الصفقة قد تُبرم قريباً.",
    "وقالت ليز تروس في مؤتمر صحفي في لندن: «سنخفض الضرائب».",
    "بلغ معدل التضخم ۴٫۵ في المئة خلال شهر مارس.",
    "عُقد الاجتماع في جنيف بحضور ممثلين عن الأمم المتحدة والاتحاد الأوروبي.",
    "أكد الـــرئـــيـــس أن الوضع تحت السيطرة.",
    "شاهد الفيديو 😀👍 على موقعنا.",
    "نعم.",
    "لا!",
    "؟",
    "Breaking News: انفجار في ميناء بيروت",
    "قالت شركة Apple إن مبيعات iPhone تراجعت بنسبة 3.2%.",
    "وفي سياق متصل، أشار التقرير إلى أن عدد اللاجئين تجاوز 6,000,000 شخص؛ معظمهم من النساء والأطفال.",
    "تبلغ مساحة المدينة ١٢٣٤ كيلومتراً مربعاً.",
    "كَتَبَ الطَّالِبُ الدَّرْسَ فِي المَدْرَسَةِ.",
    "الكويت/الرياض (أ ف ب) – أعلنت السلطات حالة الطوارئ.",
    "سجلت البلاد 500 حالة كوفيد-19 جديدة أمس.",
    "كوفيد-19كوفيد-19 و كوفيد-١٩",
    "تم تأجيل مباراة ريال مدريد وبرشلونة بسبب الأمطار الغزيرة.",
    "🇸🇦 ☪ ∑ ♫ 🙂🙂🙂",
    "قال    الوزير     إن    الاتفاق   نهائي",
    "   الخبر العاجل   ",
    "سطر أول\nسطر ثان\r\nسطر ثالث",
    "مئة\u00a0دولار و\u2009خمسون\u3000سنتاً",
    "كلمة\u200cمع\u200dفاصل \u200fعلامة\u200e اتجاه",
    "ﻻ ﷲ ﻣﺮﺣﺒﺎ ﺑﻜﻢ",
    "ＡＢＣ１２３ و ａｂｃ",
    "زار وفد من 北京 و東京 العاصمة.",
    ">>eng<< مرحبا بكم",
    "",
    "   ",
    "Hello, world! This is English on the source side.",
    "تبدأ الجلسة الساعة 10:30 صباحاً بتوقيت غرينتش.",
    "للتواصل: info@example.org أو زوروا example.org/ar",
    "#عاجل: بيان من @UN حول الأزمة",
    "قال: “هذا غير مقبول” و‘لن نتراجع’",
    "أولاً، ثانياً؛ ثالثاً.",
    "وانتهى الأمر… هكذا.",
    "سؤال مسؤول عن شؤون رئيس الهيئة",
    "التقى إيمانويل ماكرون وفلاديمير بوتين وجو بايدن ودونالد ترامب.",
    "بلغت المساحة 5 كم² أي ½ المساحة السابقة.",
    "في 2024/03/15 وفي ١٥/٣/٢٠٢٤ وفي ۱۵/۳/۲۰۲۴",
    "كتب شلום بالعبرية وПривет بالروسية",
    "گفتگو چای پنیر ژاله کتاب یک",
    "الفصل Ⅻ من الكتاب",
    "نص\u00adمع شرطة ناعمة",
    "نص\tمع\tعلامات\tجدولة",
    "وأضاف أن \"الحوار هو الحل الوحيد\" للأزمة.",
    "صرح وزير الخارجية الأمريكي أنتوني بلينكن بأن واشنطن «ملتزمة» بأمن حلفائها.",
    "انخفض مؤشر داو جونز 2.5% وناسداك 3% يوم الجمعة.",
    "ا",
    "،،،؛؛؛؟؟؟!!!...",
    "1234567890 ٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹",
    "\u0627\u0644\u0640\u0640\u0633\u0644\u0627\u0645 عليكم",
    "qxz ك ق ﺏ",
    "(مقتطف) [تحديث] {ملاحظة} <خبر>",
    "قال </s> الوزير <unk> شيئا<pad> آخر",
    ">>ara<<",
    "نص عادي >>eng<< في الوسط",
]


def composed(words, rng, n):
    """News-like sentences composed from dictionary words, with the decorations news text has."""
    out = []
    ar_digits = "٠١٢٣٤٥٦٧٨٩"
    fa_digits = "۰۱۲۳۴۵۶۷۸۹"
    latin = ["Reuters", "AFP", "BBC", "UN", "NATO", "Bloomberg", "iPhone", "OPEC", "GDP", "COVID"]
    emojis = ["😀", "🔥", "📢", "✅", "🇪🇬", "❤️", "🚨"]
    punct = ["،", "؛", ":", "-", "–", "/"]
    harakat = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b", "\u064c", "\u064d"]
    for i in range(n):
        length = rng.choice([1, 2, 3, 5, 8, 12, 16, 24, 40])
        parts = []
        for _ in range(length):
            w = rng.choice(words)
            r = rng.random()
            if r < 0.06:
                w = "«" + w + "»"
            elif r < 0.10 and len(w) > 2:
                k = rng.randrange(1, len(w))
                w = w[:k] + "ـ" * rng.randint(1, 4) + w[k:]
            elif r < 0.15:
                w = "".join(c + (rng.choice(harakat) if rng.random() < 0.5 else "") for c in w)
            elif r < 0.20:
                num = str(rng.randint(0, 99999))
                script = rng.choice(["ascii", "ar", "fa"])
                if script == "ar":
                    num = "".join(ar_digits[int(c)] for c in num)
                elif script == "fa":
                    num = "".join(fa_digits[int(c)] for c in num)
                w = num
            elif r < 0.24:
                w = rng.choice(latin)
            elif r < 0.26:
                w = rng.choice(emojis)
            parts.append(w)
            if rng.random() < 0.12:
                parts.append(rng.choice(punct))
        s = " ".join(parts)
        s += rng.choice([".", ".", "؟", "!", "", "…"])
        out.append(s)
    return out


ENGLISH = [
    "The president said the government would announce a new plan on Sunday.",
    "Reuters reported that oil prices rose to $85 a barrel.",
    "\"We will not accept any interference,\" the spokesman said.",
    "Liz Truss told reporters in London: 'We will cut taxes.'",
    "Inflation reached 4.5 percent in March.",
    "Is this the end?",
    "Yes.",
    "COVID-19 cases rose by 500 yesterday.",
    "  Extra   spaces   here  ",
    "Emoji 😀 and naïve café résumé",
    "",
]


# ---------------------------------------------------------------- recording

def tolist(t):
    return t.detach().cpu().tolist()


def record_tokenizer(tok, sp_src, sp_tgt, sentences, vocab):
    unk = vocab["<unk>"]
    rows = []
    for s in sentences:
        ids = tok(s).input_ids
        proto = sp_src.encode(s, return_type="proto")
        pieces = [p.piece for p in proto.pieces]
        # Consistency with the documented MarianTokenizer behaviour (spm pieces -> vocab.json).
        if not s.startswith(">>") and not any(t in s for t in ("</s>", "<unk>", "<pad>")):
            expect = [vocab.get(p, unk) for p in pieces] + [vocab["</s>"]]
            assert ids == expect, (s, ids, expect)
        rows.append(
            {
                "text": s,
                "ids": ids,
                "pieces": pieces,
                # byte offsets of each piece in the ORIGINAL text (SentencePiece's own).
                "offsets": [[p.begin, p.end] for p in proto.pieces],
                "normalized": sp_src.normalize(s),
                "decoded": tok.decode(ids, skip_special_tokens=True),
            }
        )
    return rows


def record_target(tok, sp_tgt, sentences):
    rows = []
    for s in sentences:
        ids = tok(text_target=s).input_ids
        proto = sp_tgt.encode(s, return_type="proto")
        rows.append(
            {
                "text": s,
                "ids": ids,
                "pieces": [p.piece for p in proto.pieces],
                "offsets": [[p.begin, p.end] for p in proto.pieces],
                "decoded": tok.decode(ids, skip_special_tokens=True),
            }
        )
    return rows


def gen_runs(model, tok, sentences, **kw):
    """One-by-one and one padded batch, same settings."""
    single = []
    for s in sentences:
        enc = tok([s], return_tensors="pt")
        out = model.generate(**enc, return_dict_in_generate=True, output_scores=True, **kw)
        row = {"text": s, "input_ids": tolist(enc.input_ids[0]), "output_ids": tolist(out.sequences[0])}
        if getattr(out, "sequences_scores", None) is not None:
            row["sequence_score"] = float(out.sequences_scores[0])
        row["decoded"] = tok.decode(out.sequences[0], skip_special_tokens=True)
        single.append(row)
    enc = tok(sentences, return_tensors="pt", padding=True)
    out = model.generate(**enc, return_dict_in_generate=True, output_scores=True, **kw)
    batch = {
        "input_ids": tolist(enc.input_ids),
        "attention_mask": tolist(enc.attention_mask),
        "output_ids": tolist(out.sequences),
        "decoded": tok.batch_decode(out.sequences, skip_special_tokens=True),
    }
    if getattr(out, "sequences_scores", None) is not None:
        batch["sequence_scores"] = [float(x) for x in out.sequences_scores]
    return {"settings": {k: v for k, v in kw.items()}, "single": single, "batch": batch}


def record_model(model, tok, gen_sentences, tensor_sentences, full=True):
    model.eval()
    pad = model.config.pad_token_id
    out = {"d_model": model.config.d_model, "vocab_size": model.config.vocab_size}
    with torch.no_grad():
        tensors = []
        for s in tensor_sentences:
            enc = tok([s], return_tensors="pt")
            enc_out = model.get_encoder()(**enc).last_hidden_state
            start = torch.tensor([[model.config.decoder_start_token_id]])
            logits = model(**enc, decoder_input_ids=start).logits
            tensors.append(
                {
                    "text": s,
                    "input_ids": tolist(enc.input_ids[0]),
                    "encoder_last_hidden_state": tolist(enc_out[0]),
                    "first_step_logits": tolist(logits[0, 0]),
                }
            )
        out["tensors"] = tensors
        out["greedy"] = gen_runs(model, tok, gen_sentences, num_beams=1, do_sample=False)
        out["beam4"] = gen_runs(model, tok, gen_sentences, num_beams=4, do_sample=False)
        if not full:
            return out
        few = gen_sentences[:6]
        out["greedy_max_new_tokens_5"] = gen_runs(model, tok, few, num_beams=1, do_sample=False, max_new_tokens=5)
        out["beam4_max_new_tokens_5"] = gen_runs(model, tok, few, num_beams=4, do_sample=False, max_new_tokens=5)
        out["greedy_min_new_tokens_12"] = gen_runs(model, tok, few, num_beams=1, do_sample=False, min_new_tokens=12)
        out["beam4_min_new_tokens_12"] = gen_runs(model, tok, few, num_beams=4, do_sample=False, min_new_tokens=12)
        # Cross-attention of the last decoder layer for one greedy run: [step][head][source].
        s = gen_sentences[2]
        enc = tok([s], return_tensors="pt")
        g = model.generate(
            **enc, num_beams=1, do_sample=False, return_dict_in_generate=True, output_attentions=True
        )
        cross = [tolist(step[-1][0, :, -1, :]) for step in g.cross_attentions]
        out["cross_attention"] = {
            "text": s,
            "input_ids": tolist(enc.input_ids[0]),
            "output_ids": tolist(g.sequences[0]),
            "layer": model.config.decoder_layers - 1,
            "weights": cross,
        }
    return out


BYTE_FALLBACK_SENTENCES = [
    "The minister said: «no comment».",
    "naïve café, 北京 and 😀 emoji",
    "  two  spaces   kept  ",
    "Ünïcödé ß ﬁ ligature",
    "tab\there and new\nline",
    "",
    "😀😀😀",
    "x",
    "Arabic: قال الرئيس",
]


def record_byte_fallback(en_txt, workdir):
    """A second, small spm exercising what the Marian models don't: byte fallback, identity
    normalization (no charsmap) and remove_extra_whitespaces off. Pieces, SentencePiece ids,
    offsets and decode_pieces are recorded for the Rust SentencePiece reimplementation."""
    model = io.BytesIO()
    with open(en_txt, encoding="utf-8") as lines:
        spm.SentencePieceTrainer.train(
            sentence_iterator=(line.rstrip("\n") for line in lines),
            model_writer=model,
            vocab_size=400,
            model_type="unigram",
            normalization_rule_name="identity",
            remove_extra_whitespaces=False,
            byte_fallback=True,
            character_coverage=0.995,
            hard_vocab_limit=False,
            num_threads=1,
            minloglevel=2,
        )
    out = REF / "byte-fallback.spm"
    out.write_bytes(model.getvalue())
    sp = spm.SentencePieceProcessor(model_file=str(out))
    rows = []
    for s in BYTE_FALLBACK_SENTENCES:
        proto = sp.encode(s, return_type="proto")
        pieces = [p.piece for p in proto.pieces]
        rows.append(
            {
                "text": s,
                "pieces": pieces,
                "ids": [p.id for p in proto.pieces],
                "offsets": [[p.begin, p.end] for p in proto.pieces],
                "decoded": sp.decode_pieces(pieces),
            }
        )
    write_json(REF / "byte-fallback.json", {"generator": "scripts/make_tiny_model.py", "spm": "byte-fallback.spm", "sentences": rows})


def check_variety(name, runs, cap):
    outs = [tuple(r["output_ids"]) for r in runs["single"]]
    distinct = len(set(outs))
    early = sum(1 for o in outs if len(o) < cap)
    print(f"{name}: {distinct}/{len(outs)} distinct outputs, {early} end before the cap", file=sys.stderr)
    return distinct, early


def main():
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ar_txt, en_txt, ar_lines = training_text(tmp)
        src_model = train_spm(ar_txt, tmp / "source", SRC_VOCAB, USER_DEFINED)
        tgt_model = train_spm(en_txt, tmp / "target", TGT_VOCAB)
        vocab, dropped = build_vocab(src_model, tgt_model)

        words = sorted(
            {w for line in ar_lines for w in line.split() if ARABIC.search(w) and len(w) > 1 and "/" not in w}
        )
        rng = random.Random(SEED)
        sentences = HANDWRITTEN + composed(words, rng, 160)

        stage = tmp / "stage"
        stage.mkdir()
        shutil.copy(src_model, stage / "source.spm")
        shutil.copy(tgt_model, stage / "target.spm")
        (stage / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=0), encoding="utf-8")
        tok = MarianTokenizer(
            source_spm=str(stage / "source.spm"),
            target_spm=str(stage / "target.spm"),
            vocab=str(stage / "vocab.json"),
            source_lang="ar",
            target_lang="en",
        )

        variants = [
            ("tiny-marian", make_config(vocab), "safetensors"),
            ("tiny-marian-bin", make_config(vocab), "bin"),
            ("tiny-marian-sep", make_config(vocab, shared=False, activation="relu"), "safetensors"),
        ]
        gen = generation_config(vocab)
        for name, config, weights in variants:
            torch.manual_seed(SEED)
            model = MarianMTModel(config)
            randomize(model, SEED + (7 if name.endswith("sep") else 0))
            model.generation_config = gen
            save_variant(model, tok, gen, MODELS / name, weights)

        # Reload from disk: what is recorded is what the files hold.
        tok = MarianTokenizer.from_pretrained(MODELS / "tiny-marian")
        sp_src = spm.SentencePieceProcessor(model_file=str(MODELS / "tiny-marian" / "source.spm"))
        sp_tgt = spm.SentencePieceProcessor(model_file=str(MODELS / "tiny-marian" / "target.spm"))
        REF.mkdir(parents=True, exist_ok=True)
        tok_ref = {
            "generator": "scripts/make_tiny_model.py",
            "model_dir": "models/tiny-marian",
            "dropped_from_vocab": dropped,
            "source": record_tokenizer(tok, sp_src, sp_tgt, sentences, vocab),
            "target": record_target(tok, sp_tgt, ENGLISH),
        }
        write_json(REF / "tokenizer.json", tok_ref)
        record_byte_fallback(en_txt, tmp)

        # Generation sentences: varied, short enough for 128 positions.
        gen_sentences = [s for s in sentences if s.strip() and 2 <= len(tok(s).input_ids) <= 40][:34]
        tensor_sentences = [gen_sentences[0], gen_sentences[3], gen_sentences[10], "نعم."]
        model = MarianMTModel.from_pretrained(MODELS / "tiny-marian", attn_implementation="eager")
        ref = record_model(model, tok, gen_sentences, tensor_sentences)
        cap = gen.max_length
        for key in ["greedy", "beam4"]:
            check_variety(f"tiny-marian {key}", ref[key], cap)
        write_json(REF / "tiny-marian.json", ref)

        for name in ["tiny-marian-bin", "tiny-marian-sep"]:
            model = MarianMTModel.from_pretrained(MODELS / name, attn_implementation="eager")
            ref = record_model(model, tok, gen_sentences[:8], tensor_sentences[:2], full=False)
            check_variety(f"{name} greedy", ref["greedy"], cap)
            write_json(REF / f"{name}.json", ref)

        # The trained variant: starts from the random weights at a low gain, learns to gloss.
        lexicon = gloss_lexicon()
        torch.manual_seed(SEED)
        model = MarianMTModel(make_config(vocab))
        randomize(model, SEED + 11, eos_boost=0.0, gain=1.0)
        train_gloss(model, tok, lexicon)
        model.generation_config = gen
        save_variant(model, tok, gen, MODELS / "tiny-marian-trained", "safetensors")
        model = MarianMTModel.from_pretrained(MODELS / "tiny-marian-trained", attn_implementation="eager")
        held_out = gloss_sentences(lexicon, random.Random(SEED + 2), 34)
        trained_sentences = [ar for ar, _ in held_out]
        ref = record_model(model, tok, trained_sentences, trained_sentences[:4], full=False)
        ref["glosses"] = [en for _, en in held_out]
        right = sum(r["decoded"] == en for r, en in zip(ref["greedy"]["single"], ref["glosses"]))
        print(f"tiny-marian-trained greedy: {right}/{len(held_out)} glossed right", file=sys.stderr)
        check_variety("tiny-marian-trained greedy", ref["greedy"], cap)
        write_json(REF / "tiny-marian-trained.json", ref)

    variants = ["tiny-marian", "tiny-marian-bin", "tiny-marian-sep", "tiny-marian-trained"]
    total = sum(f.stat().st_size for d in variants for f in (MODELS / d).iterdir())
    total += sum(f.stat().st_size for f in REF.iterdir())
    print(f"fixtures: {total / 1e6:.2f} MB", file=sys.stderr)


def write_json(path, obj):
    # Floats as float32 round-trips; compact but one record per line for readable diffs.
    path.write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
