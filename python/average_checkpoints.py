#!/usr/bin/python3
"""Averages the weights of model checkpoints of one configuration into a new checkpoint, the
way stochastic weight averaging does (Izmailov et al. 2018, "Averaging Weights Leads to Wider
Optima and Better Generalization"): snapshots taken along one run at a constant learning rate,
averaged uniformly.

    python3 python/average_checkpoints.py --out runs/g2p-swa/model runs/g2p-swa/snapshots/step-*

`train_g2p.py --snapshots-from STEP` keeps the snapshots. The new checkpoint takes the first
input's `extra` (vocabularies, tokenizers) and adds `averagedFrom`, the inputs' folder names;
its `trainedSteps` and `trainingSeconds` are the most any input has (the training behind the
latest snapshot, which the average includes).
Every input is read and checked before anything is written; inputs made for another
configuration are refused, naming the fields that differ.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gated_torch import load_model, model_files, read_checkpoint, write_checkpoint  # noqa: E402
from gated_torch.config import config_differences  # noqa: E402
from gated_torch.manifest import CheckpointError  # noqa: E402


# What else must match for weights to mean the same thing: the vocabularies and tokenizers.
TEXT_FIELDS = ("sourceVocab", "targetVocab", "sourceTokenizer", "targetTokenizer")


def average_models(folders):
    """(model, extra): a model whose every parameter is the mean of the checkpoints' in `folders`
    (at least one), and the first one's `extra` with the most `trainedSteps` and
    `trainingSeconds` of any."""
    if not folders:
        raise ValueError("average_checkpoints: expected at least one checkpoint folder, got none")
    first, extra = load_model(read_checkpoint(folders[0]))
    sums = {name: value.detach().double().clone() for name, value in first.state_dict().items()}
    extras = [extra]
    for folder in folders[1:]:
        model, other = load_model(read_checkpoint(folder))
        extras.append(other)
        differences = config_differences(model.config, first.config)
        differences += [f"extra.{key}: {other.get(key)!r:.60} → {extra.get(key)!r:.60}" for key in TEXT_FIELDS
                        if isinstance(extra, dict) and isinstance(other, dict) and other.get(key) != extra.get(key)]
        if differences:
            raise CheckpointError(f"average_checkpoints: {folder} is made for another model than {folders[0]} "
                                  "(this → first):\n  " + "\n  ".join(differences))
        for name, value in model.state_dict().items():
            sums[name] += value.detach().double()
    with torch.no_grad():
        for name, value in first.state_dict().items():
            value.copy_((sums[name] / len(folders)).to(value.dtype))
    extra = dict(extra) if isinstance(extra, dict) else {}
    for key in ("trainedSteps", "trainingSeconds"):
        known = [e[key] for e in extras if isinstance(e, dict) and isinstance(e.get(key), (int, float))]
        if known:
            extra[key] = max(known)
    return first, extra


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="folder for the averaged model checkpoint")
    p.add_argument("inputs", nargs="+", help="model checkpoint folders (config.json + weights.safetensors)")
    args = p.parse_args(argv)
    if os.path.realpath(args.out) in {os.path.realpath(f) for f in args.inputs}:
        p.error(f"--out {args.out} is also an input; write the average elsewhere")
    try:
        model, extra = average_models(args.inputs)
    except (CheckpointError, OSError) as error:
        raise SystemExit(f"average_checkpoints: {error}") from None
    names = [os.path.basename(os.path.normpath(f)) for f in args.inputs]
    write_checkpoint(args.out, model_files(model, {**extra, "averagedFrom": names}))
    print(f"averaged {len(args.inputs)} checkpoints into {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
