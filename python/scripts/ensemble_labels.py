#!/usr/bin/python3
"""Sequence-level knowledge distillation's data (Kim & Rush 2016): the bench's G2P export with
every training word's pronunciations replaced by one, the greedy output of an ensemble of
checkpoints (gated_torch/ensemble.py); dev and test lines are copied unchanged.

    python3 python/scripts/ensemble_labels.py --data /tmp/twin/g2p-stress.tsv --out /tmp/kd/g2p-kd.tsv \\
        --model apps/bench/runs/g2p-twin/model --model apps/bench/runs/g2p-stress/model
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from gated_torch import load_model, read_checkpoint  # noqa: E402
from score_g2p import SPLITS, check_same_vocabularies, ensemble_predict  # noqa: E402

BATCH = 256


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="TSV of split<TAB>word<TAB>phonemes (pnpm bench:export-g2p)")
    p.add_argument("--out", required=True, help="the TSV to write")
    p.add_argument("--model", required=True, action="append", help="a member checkpoint folder; two or more")
    args = p.parse_args(argv)
    if len(args.model) < 2:
        p.error(f"an ensemble needs two models or more, got {len(args.model)}")
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    members = [load_model(read_checkpoint(folder)) for folder in args.model]
    check_same_vocabularies(members)
    kept, train_words = [], []
    with open(args.data, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3 or fields[0] not in SPLITS:
                raise SystemExit(f"{args.data}:{number}: expected split<TAB>word<TAB>phonemes, got {line!r:.80}")
            if fields[0] == "train":
                train_words.append(fields[1])
            else:
                kept.append(line if line.endswith("\n") else line + "\n")
    train_words = list(dict.fromkeys(train_words))
    tmp = args.out + ".partial"
    with open(tmp, "w", encoding="utf-8") as out:
        for start in range(0, len(train_words), BATCH):
            chunk = train_words[start:start + BATCH]
            for word, phonemes in zip(chunk, ensemble_predict(members, chunk)):
                out.write(f"train\t{word}\t{' '.join(phonemes)}\n")
            if start // BATCH % 40 == 0:
                print(f"{start + len(chunk)} of {len(train_words)} training words", flush=True)
        out.writelines(kept)
    os.replace(tmp, args.out)  # a stopped run leaves no half-written file under the name
    print(f"wrote {args.out}: {len(train_words)} training words relabelled, {len(kept)} dev and test lines kept")


if __name__ == "__main__":
    main(sys.argv[1:])
