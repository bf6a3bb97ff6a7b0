"""Greedy decoding by an ensemble: at each step the members' log-probabilities are averaged and
the best token feeds every member (the product of experts that knowledge distillation
compresses into one model; Hinton et al. 2015, Kim & Rush 2016 for sequences). Python-only: a
tool for measuring whether an ensemble pays before training a student to match it.
"""
import torch

from .decoding import _check_max_length, default_max_length, take_greedy_step
from .seq2seq import make_source_batch

# What must agree for the members' outputs to mean the same tokens.
SHARED = ("sourceVocabSize", "targetVocabSize", "bosId", "eosId", "padId")


@torch.no_grad()
def ensemble_greedy_decode(models, sources, max_length=None):
    """Hypotheses {tokens, score} for B ≥ 1 lists of source ids, in order, from the mean of the
    members' log-probabilities (score: their sum over the steps). `models` share the
    vocabularies; each encodes the sources itself (their sizes may differ). Runs in eval mode."""
    if not models:
        raise ValueError("ensemble_greedy_decode: expected at least one model, got none")
    first = models[0].config
    for i, model in enumerate(models[1:], 1):
        differing = [k for k in SHARED if model.config[k] != first[k]]
        if differing:
            raise ValueError(f"ensemble_greedy_decode: model {i} differs from model 0 in "
                             + ", ".join(f"{k} ({model.config[k]} vs {first[k]})" for k in differing))
    max_length = default_max_length(sources) if max_length is None else max_length
    _check_max_length("ensemble_greedy_decode", max_length)
    modes = [m.training for m in models]
    for m in models:
        m.eval()
    try:
        members = []
        for model in models:
            device = next(model.parameters()).device
            batch = make_source_batch(model.config, sources, "ensemble_greedy_decode").to(device)
            memory, state = model.encode(batch)
            members.append([model, memory, state, device])
        count = len(sources)
        results = [{"tokens": [], "score": 0.0} for _ in sources]
        finished = [False] * count
        chosen = [first["bosId"]] * count
        t = 0
        while t <= max_length and not all(finished):
            total = None
            for member in members:
                model, memory, state, device = member
                previous = torch.tensor(chosen, dtype=torch.long, device=device)
                logits, member[2], _ = model.step(previous, state, memory)
                log_probs = torch.log_softmax(logits, -1).cpu()
                total = log_probs if total is None else total + log_probs
            mean = total / len(members)
            chosen = take_greedy_step(first, results, finished, mean.tolist(),
                                      mean.argmax(-1).tolist(), t == max_length)
            t += 1
        return results
    finally:
        for m, mode in zip(models, modes):
            m.train(mode)
