#!/usr/bin/env python3
"""Record HF MarianTokenizer ids for any text, to check tarjuman's tokenizer on real models.

    /work/pyenv/bin/python scripts/tokenizer_parity.py MODEL_DIR TEXT_FILE OUT.json
    TARJUMAN_PARITY=OUT.json cargo test --test it tokenizer_parity -- --ignored --nocapture

TEXT_FILE has one sentence per line (a TSV's column can be cut out first). OUT.json holds the
text, so keep it outside the repository when the text may not be copied.
"""

import json
import sys
from pathlib import Path

from transformers import MarianTokenizer


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model_dir, text_file, out = sys.argv[1:]
    tok = MarianTokenizer.from_pretrained(model_dir)
    rows = []
    for line in Path(text_file).read_text(encoding="utf-8").splitlines():
        ids = tok(line).input_ids
        rows.append({"text": line, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=True)})
    Path(out).write_text(
        json.dumps({"model_dir": str(Path(model_dir).resolve()), "rows": rows}, ensure_ascii=False),
        encoding="utf-8",
    )
    print(f"{len(rows)} sentences -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
