#!/usr/bin/python3
"""What the twin computes for a checkpoint, as JSON, for the parity tests of both sides.

    python3 python/scripts/twin_outputs.py CHECKPOINT_DIR… < request.json > outputs.json

request: {"examples": [[source ids], [target ids]]…, "maxLength": n | null, "beamSize": k,
"alpha": a, "nBest": n}; outputs: per checkpoint, in order, the teacher-forced logits
[B, T, V] and the greedy and beam hypotheses (one process for all: torch takes seconds to import).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from gated_torch import (beam_search, greedy_decode, load_model, make_training_batch,  # noqa: E402
                         read_checkpoint)


def twin_outputs(model, request):
    """Teacher-forced logits, greedy and beam hypotheses of `model` for `request` (see above)."""
    examples = [(list(s), list(t)) for s, t in request["examples"]]
    sources = [s for s, _ in examples]
    model.eval()
    with torch.no_grad():
        batch, target_input, _, _ = make_training_batch(model.config, examples)
        logits = model(batch.source, batch.lengths, batch.mask, target_input)
    max_length = request.get("maxLength")
    return {
        "logits": {"shape": list(logits.shape), "values": logits.flatten().tolist()},
        "greedy": greedy_decode(model, sources, max_length=max_length),
        "beam": beam_search(model, sources, beam_size=request["beamSize"], alpha=request["alpha"],
                            n_best=request["nBest"], max_length=max_length),
    }


if __name__ == "__main__":
    torch.set_num_threads(1)
    request = json.load(sys.stdin)
    models = [load_model(read_checkpoint(path))[0] for path in sys.argv[1:]]
    json.dump([twin_outputs(model, request) for model in models], sys.stdout)
