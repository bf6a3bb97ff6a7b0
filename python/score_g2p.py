#!/usr/bin/python3
"""Scores a G2P checkpoint on one split of the bench's export, with the twin's own decoding:
WER and PER with stress and without, as the bench's g2p report scores them (a word is right when
it equals any of its CMUdict pronunciations; without stress the digits go from both sides).

    pnpm bench:export-g2p --out /tmp/twin/g2p-stress.tsv --stress
    python3 python/score_g2p.py --model apps/bench/runs/g2p-twin/model --data /tmp/twin/g2p-stress.tsv

The dev split is the default: compare recipes there and report only the chosen one on the test
split (`pnpm bench g2p --only report --model DIR`). `--model` given more than once scores the
members' greedy ensemble (their log-probabilities averaged at each step), which tells whether
distilling an ensemble into one model could pay.
"""
import argparse
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gated_torch import load_model, read_checkpoint  # noqa: E402
from gated_torch.ensemble import ensemble_greedy_decode  # noqa: E402
from gated_torch.vocab import Vocab  # noqa: E402
from predict import BATCH_SIZE, TOKENIZERS, check_text_model, predict  # noqa: E402

SPLITS = ("train", "dev", "test")


def read_split(path, split):
    """[(word, [reference phoneme lists])] of `split`, words in the order they first appear,
    each reference once."""
    words = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[0] not in SPLITS:
                raise SystemExit(f"{path}:{number}: expected split<TAB>word<TAB>phonemes, got {line!r:.80}")
            if fields[0] == split:
                references = words.setdefault(fields[1], [])
                phonemes = fields[2].split()
                if phonemes not in references:
                    references.append(phonemes)
    return list(words.items())


def strip_stress(phonemes):
    """`AH0` → `AH`."""
    return [re.sub(r"[012]$", "", p) for p in phonemes]


def edit_distance(a, b):
    """Levenshtein distance between two token lists."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def score(predictions, references):
    """{"wer", "per"} in [0, 1]: the share of words equal to none of their references, and the
    edit distance to the closest reference (the longer on a tie) over that reference's length,
    summed over the words (tokenErrorRate in @gated/datasets).
    predictions: [words][phonemes]; references: [words][refs][phonemes]."""
    if len(predictions) != len(references):
        raise ValueError(f"score: expected one prediction per word ({len(references)}), got {len(predictions)}")
    wrong = errors = length = 0
    for prediction, refs in zip(predictions, references):
        if not refs:
            raise ValueError("score: every word needs at least one reference")
        wrong += prediction not in refs
        best = min(refs, key=lambda r: (edit_distance(prediction, r), -len(r)))
        errors += edit_distance(prediction, best)
        length += len(best)
    return {"wer": wrong / len(predictions) if predictions else 0.0,
            "per": errors / length if length else 0.0}


def score_both(predictions, references):
    """score with stress, and with the digits stripped from predictions and references alike
    (references that become equal counted once)."""
    bare_refs = []
    for refs in references:
        bare = []
        for r in refs:
            if strip_stress(r) not in bare:
                bare.append(strip_stress(r))
        bare_refs.append(bare)
    return {"withStress": score(predictions, references),
            "withoutStress": score([strip_stress(p) for p in predictions], bare_refs)}


def check_same_vocabularies(members):
    """Refuses members [(model, extra)] whose vocabularies or tokenizers differ, naming how."""
    extra = members[0][1]
    for i, (_, other) in enumerate(members[1:], 2):
        for key in ("sourceTokenizer", "targetTokenizer"):
            if other[key] != extra[key]:
                raise SystemExit(f"score_g2p: model {i}'s {key} is {other[key]!r}, the first model's {extra[key]!r}; "
                                 "an ensemble needs the same")
        for key in ("sourceVocab", "targetVocab"):
            mine, theirs = Vocab.from_json(extra[key]).tokens, Vocab.from_json(other[key]).tokens
            if mine != theirs:
                at = next((j for j, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
                raise SystemExit(f"score_g2p: model {i}'s {key} differs from the first model's: {len(theirs)} tokens "
                                 f"against {len(mine)}, first difference at id {at}; an ensemble needs the same")


def ensemble_predict(members, words):
    """Phoneme lists for `words` from the greedy ensemble of `members` [(model, extra)], whose
    vocabularies are the same (check_same_vocabularies)."""
    extra = members[0][1]
    source_vocab, target_vocab = Vocab.from_json(extra["sourceVocab"]), Vocab.from_json(extra["targetVocab"])
    tokenize = TOKENIZERS[extra["sourceTokenizer"]][0]
    hyps = ensemble_greedy_decode([m for m, _ in members], [source_vocab.encode(tokenize(w)) for w in words])
    return [target_vocab.decode(h["tokens"]) for h in hyps]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, action="append",
                   help="checkpoint folder (config.json, weights.safetensors); again for an ensemble")
    p.add_argument("--data", required=True, help="TSV of split<TAB>word<TAB>phonemes (pnpm bench:export-g2p)")
    p.add_argument("--split", default="dev", choices=SPLITS, help="which split (default dev)")
    p.add_argument("--beam", type=int, default=1, help="beam size; 1 = greedy (default)")
    p.add_argument("--limit", type=int, default=None, help="only the first N words of the split")
    args = p.parse_args(argv)
    if args.beam < 1:
        p.error(f"--beam must be a positive integer, got {args.beam}")
    if len(args.model) > 1 and args.beam != 1:
        p.error(f"an ensemble of {len(args.model)} models decodes greedily; --beam {args.beam} is for one model")
    if args.limit is not None and args.limit < 1:
        p.error(f"--limit must be a positive integer, got {args.limit}")
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    members = []
    for folder in args.model:
        model, extra = load_model(read_checkpoint(folder))
        try:
            check_text_model(extra)
        except ValueError as error:
            raise SystemExit(f"{folder}: {error}") from None
        members.append((model, extra))
    if len(members) > 1:
        check_same_vocabularies(members)
    words = read_split(args.data, args.split)[:args.limit]
    if not words:
        raise SystemExit(f"{args.data}: no {args.split} lines")
    predictions = []
    for start in range(0, len(words), BATCH_SIZE):
        chunk = [w for w, _ in words[start:start + BATCH_SIZE]]
        if len(members) > 1:
            predictions += ensemble_predict(members, chunk)
        else:
            predictions += [output.split() for output in predict(*members[0], chunk, args.beam)]
    scores = score_both(predictions, [refs for _, refs in words])
    decoding = "greedy" if args.beam == 1 else f"beam {args.beam}"
    if len(members) > 1:
        decoding = f"greedy ensemble of {len(members)}"
    w, wo = scores["withStress"], scores["withoutStress"]
    print(f"{args.split}: {len(words)} words, {decoding}: WER {100 * w['wer']:.2f}% / PER {100 * w['per']:.2f}% "
          f"with stress, WER {100 * wo['wer']:.2f}% / PER {100 * wo['per']:.2f}% without")


if __name__ == "__main__":
    main(sys.argv[1:])
