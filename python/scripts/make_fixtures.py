#!/usr/bin/python3
"""Writes the fixtures that @gated/seq2seq's twin parity test reads: models built and
initialised in PyTorch, saved as checkpoints, with what the twin computes for a batch.

    OMP_NUM_THREADS=1 /usr/bin/python3 python/scripts/make_fixtures.py

Out: packages/seq2seq/test/fixtures/torch-twin/<case>/{checkpoint/, expected.json}. Sizes are
tiny and odd so that a transposed matrix cannot pass; the cases cover every cell kind, every
attention kind, (un)bidirectional and stacked encoders, the bridge, tied embeddings, reversal.
"""
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from gated_torch import Seq2Seq, model_files, write_checkpoint  # noqa: E402
from twin_outputs import twin_outputs  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "packages", "seq2seq", "test", "fixtures", "torch-twin")
BASE = {"sourceVocabSize": 9, "targetVocabSize": 11, "bosId": 1, "eosId": 2, "padId": 0,
        "embeddingSize": 5, "hiddenSize": 6}
CASES = {
    "lstm-bahdanau-stacked-bridge-tied": dict(cell="lstm", attention="bahdanau", encoderLayers=2,
                                              decoderLayers=3, encoderHiddenSize=8, tieEmbeddings=True),
    "gru-luong-general-reversed": dict(cell="gru", attention="luong-general", reverseSource=True),
    "rnn-none-unidirectional": dict(cell="rnn", attention="none", bidirectional=False),
    "lstm-luong-dot-deeper-decoder": dict(cell="lstm", attention="luong-dot", decoderLayers=2),
    "gru-luong-concat-bridge-tied": dict(cell="gru", attention="luong-concat", bidirectional=False,
                                         encoderLayers=2, encoderHiddenSize=7, tieEmbeddings=True),
    "rnn-bahdanau-reversed-tied": dict(cell="rnn", attention="bahdanau", reverseSource=True,
                                       tieEmbeddings=True),
    "lstm-none-stacked-bridge": dict(cell="lstm", attention="none", encoderLayers=3, decoderLayers=2,
                                     encoderHiddenSize=8, hiddenSize=5),
    "gru-none-tied-reversed": dict(cell="gru", attention="none", tieEmbeddings=True, reverseSource=True,
                                   dropout=0.25),
}
REQUEST = {
    "examples": [[[3, 4, 5, 6, 7], [3, 5, 7]], [[8, 3], [4, 9, 10, 6]], [[5, 6, 7, 8, 4, 3, 6], [8]]],
    "beamSize": 3, "alpha": 1, "nBest": 3,
}


def rounded(value):
    """Floats to 8 significant digits (float32 needs 9 to round-trip; 8 are far inside 1e-5)."""
    if isinstance(value, float):
        return float(f"{value:.8g}")
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def main():
    torch.set_num_threads(1)
    shutil.rmtree(OUT, ignore_errors=True)
    for index, (name, options) in enumerate(CASES.items()):
        torch.manual_seed(42 + index)
        model = Seq2Seq({**BASE, **options, "seed": 42 + index})
        with torch.no_grad():  # wider than the default init, so that decoding is not uniform
            for pname, p in model.named_parameters():
                p.normal_(0, 0.6)
                if pname.endswith("embedding.weight"):
                    p[model.config["padId"]] = 0
                if pname in ("decoder.output.bias", "decoder.output.projection.bias"):
                    p[model.config["eosId"]] -= 1.5  # outputs of a few tokens before EOS
        request = {**REQUEST, "maxLength": None if index == 0 else 6}
        expected = {"request": request, **twin_outputs(model, request)}
        write_checkpoint(os.path.join(OUT, name, "checkpoint"), model_files(model, {"case": name}))
        with open(os.path.join(OUT, name, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(rounded(expected), f, separators=(",", ":"))
            f.write("\n")
        print(name, [h["tokens"] for h in expected["greedy"]])


if __name__ == "__main__":
    main()
