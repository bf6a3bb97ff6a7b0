#!/usr/bin/python3
"""The twin's own decoding of a text model checkpoint, in the format of `pnpm bench predict`:
one input per stdin line, `input<TAB>output` per line on stdout (phonemes space-separated).

    python3 python/predict.py --model runs/g2p/model [--beam N] < words.txt

Inputs are decoded in batches of 64 lines, as the bench batches them (the default length limit,
2 × the longest input + 10, is per batch on both sides); `--beam 1` is greedy decoding.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gated_torch import beam_search, greedy_decode, load_model, read_checkpoint  # noqa: E402
from gated_torch.vocab import Vocab, characters, symbols  # noqa: E402

TOKENIZERS = {"characters": (characters, "".join), "symbols": (symbols, " ".join)}
BATCH_SIZE = 64


def check_text_model(extra):
    """Refuses, naming what is missing, a checkpoint whose `extra` is not a text model's (the
    vocabularies and tokenizers train_g2p.py and the bench save)."""
    if not isinstance(extra, dict):
        raise ValueError(f"predict: the checkpoint's extra must be an object, got {type(extra).__name__}")
    missing = [k for k in ("sourceVocab", "targetVocab", "sourceTokenizer", "targetTokenizer") if k not in extra]
    if missing:
        raise ValueError(f"predict: not a text model checkpoint: its extra lacks {', '.join(missing)} "
                         f"(train_g2p.py writes them), got keys {sorted(extra)}")
    for key in ("sourceTokenizer", "targetTokenizer"):
        if extra[key] not in TOKENIZERS:
            raise ValueError(f"predict: {key} must be one of {', '.join(TOKENIZERS)}, got {extra[key]!r}")


def predict(model, extra, texts, beam=1):
    """Output texts for input texts (each non-empty), in order."""
    check_text_model(extra)
    source_vocab, target_vocab = Vocab.from_json(extra["sourceVocab"]), Vocab.from_json(extra["targetVocab"])
    tokenize = TOKENIZERS[extra["sourceTokenizer"]][0]
    join = TOKENIZERS[extra["targetTokenizer"]][1]
    sources = [source_vocab.encode(tokenize(t)) for t in texts]
    if beam == 1:
        hyps = greedy_decode(model, sources)
    else:
        hyps = [best[0] for best in beam_search(model, sources, beam_size=beam, alpha=1.0)]
    return [join(target_vocab.decode(h["tokens"])) for h in hyps]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="checkpoint folder (config.json, weights.safetensors)")
    p.add_argument("--beam", type=int, default=1, help="beam size; 1 = greedy (default)")
    args = p.parse_args(argv)
    if args.beam < 1:
        p.error(f"--beam must be a positive integer, got {args.beam}")
    torch.set_num_threads(1)
    model, extra = load_model(read_checkpoint(args.model))
    try:
        check_text_model(extra)
    except ValueError as error:
        raise SystemExit(f"{args.model}: {error}") from None
    lines = [line.rstrip("\r\n") for line in sys.stdin]
    texts = [t for t in lines if t.strip()]
    for start in range(0, len(texts), BATCH_SIZE):
        chunk = texts[start:start + BATCH_SIZE]
        for text, output in zip(chunk, predict(model, extra, chunk, args.beam)):
            print(f"{text}\t{output}")


if __name__ == "__main__":
    main(sys.argv[1:])
