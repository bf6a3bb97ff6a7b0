"""Greedy decoding and beam search exactly as `@gated/seq2seq` runs them (`greedy.ts`,
`beam-search.ts`, `hypothesis.ts`): the same stopping rule, length penalty, tie-breaking and
scores, so that both sides return the same tokens for the same weights.

A hypothesis is a dict {tokens: [ids without BOS/EOS], score: float, attention: rows or None}.
"""
import torch

from .seq2seq import make_source_batch

MAX_BEAM_SIZE = 1000


def length_penalty(length, alpha):
    """GNMT's length penalty (Wu et al. 2016, eq. 14): ((5 + length) / 6) ** alpha."""
    return ((5 + length) / 6) ** alpha


def default_max_length(sources):
    """2 × the longest source + 10: room for longer outputs, a bound on a model without EOS."""
    return 2 * max(len(s) for s in sources) + 10


def _check_max_length(where, max_length):
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"{where}: maxLength must be a positive integer, got {max_length!r}")


def _attention_row(config, weights, row, length):
    values = weights[row, :length].tolist()
    return values[::-1] if config["reverseSource"] else values


@torch.no_grad()
def greedy_decode(model, sources, max_length=None):
    """The most probable token at each step until EOS or `max_length` (then EOS is forced).

    sources: B ≥ 1 lists of source ids → B hypotheses, in order. Runs in eval mode.
    """
    max_length = default_max_length(sources) if max_length is None else max_length
    _check_max_length("greedy_decode", max_length)
    config = model.config
    was_training = model.training
    model.eval()
    try:
        device = next(model.parameters()).device
        batch = make_source_batch(config, sources, "greedy_decode").to(device)
        memory, state = model.encode(batch)
        count = len(sources)
        with_attention = memory["projected_keys"] is not None
        results = [{"tokens": [], "score": 0.0, "attention": [] if with_attention else None}
                   for _ in sources]
        finished = [False] * count
        previous = torch.full((count,), config["bosId"], dtype=torch.long, device=device)
        t = 0
        while t <= max_length and not all(finished):
            logits, state, weights = model.step(previous, state, memory)
            log_probs = torch.log_softmax(logits, -1)
            rows = log_probs.tolist()
            best = log_probs.argmax(-1).tolist()  # the first index on ties, as argMaxAt
            attend = (lambda b: results[b]["attention"].append(
                _attention_row(config, weights, b, len(sources[b])))) if with_attention else None
            chosen = take_greedy_step(config, results, finished, rows, best, t == max_length, attend)
            previous = torch.tensor(chosen, dtype=torch.long, device=device)
            t += 1
        return results
    finally:
        model.train(was_training)


def take_greedy_step(config, results, finished, rows, best, last, attend=None):
    """One step of greedy decoding for every row not finished: its token is best[b] (EOS when
    `last`), its log-probability rows[b][token] is added to the score, EOS finishes the row and
    any other token extends it; `attend(b)`, when given, records the row's attention first.
    Returns the tokens that feed the next step (PAD for finished rows)."""
    chosen = [config["padId"]] * len(results)
    for b, result in enumerate(results):
        if finished[b]:
            continue
        token = config["eosId"] if last else best[b]
        result["score"] += rows[b][token]
        if attend:
            attend(b)
        if token == config["eosId"]:
            finished[b] = True
        else:
            result["tokens"].append(token)
        chosen[b] = token
    return chosen


def _rank(live, rows, first_row, only_token):
    """Every (beam, token) extension of a source's live beams, best first; ties to the lower
    beam, then the lower token, so that beam size 1 picks what argmax picks."""
    candidates = []
    for k, beam in enumerate(live):
        row = rows[first_row + k]
        if only_token >= 0:
            candidates.append((beam["logProb"] + row[only_token], k, only_token))
        else:
            candidates.extend((beam["logProb"] + p, k, v) for v, p in enumerate(row))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    return candidates


@torch.no_grad()
def beam_search(model, sources, beam_size=5, alpha=1.0, n_best=1, max_length=None):
    """Batched beam search: the `beam_size` best partial outputs per source; one that emits EOS
    is finished with score logP / lp(|Y|), |Y| counting EOS. A source is done when `beam_size`
    hypotheses have finished, or at `max_length`, where the open ones are closed with EOS.

    sources: B ≥ 1 lists of source ids → per source, the `n_best` best hypotheses, best first.
    """
    max_length = default_max_length(sources) if max_length is None else max_length
    _check_max_length("beam_search", max_length)
    if isinstance(beam_size, bool) or not isinstance(beam_size, int) or not 1 <= beam_size <= MAX_BEAM_SIZE:
        raise ValueError(f"beam_search: beamSize must be an integer in [1, {MAX_BEAM_SIZE}], got {beam_size!r}")
    if not alpha >= 0:
        raise ValueError(f"beam_search: alpha must be ≥ 0, got {alpha!r}")
    if isinstance(n_best, bool) or not isinstance(n_best, int) or not 1 <= n_best <= beam_size:
        raise ValueError(f"beam_search: nBest must be an integer in [1, {beam_size}], got {n_best!r}")
    config = model.config
    was_training = model.training
    model.eval()
    try:
        device = next(model.parameters()).device
        batch = make_source_batch(config, sources, "beam_search").to(device)
        count, K = len(sources), beam_size
        memory, state = model.encode(batch)
        tiled = torch.arange(count * K, device=device) // K  # row b·K + k is beam k of source b
        memory = {k: None if v is None else v.index_select(0, tiled) for k, v in memory.items()}
        state = {k: v.index_select(1 if v.dim() == 3 else 0, tiled) for k, v in state.items()}
        with_attention = memory["projected_keys"] is not None
        # Only beam 0 is live at first, so the first step does not pick K copies of one token.
        beams = [[{"tokens": [], "logProb": 0.0, "attention": [] if with_attention else None}]
                 for _ in sources]
        finished = [[] for _ in sources]
        done = [False] * count
        previous = torch.full((count * K,), config["bosId"], dtype=torch.long, device=device)
        t = 0
        while t <= max_length and not all(done):
            logits, out_state, weights = model.step(previous, state, memory)
            rows = torch.log_softmax(logits, -1).tolist()
            parents = [0] * (count * K)
            chosen = [config["padId"]] * (count * K)
            next_beams = []
            for b in range(count):
                survivors = []
                if not done[b]:
                    only = config["eosId"] if t == max_length else -1
                    for log_prob, k, token in _rank(beams[b], rows, b * K, only):
                        parent = beams[b][k]
                        row = b * K + k
                        history = None
                        if parent["attention"] is not None:
                            history = parent["attention"] + [
                                _attention_row(config, weights, row, len(sources[b]))]
                        if token == config["eosId"]:
                            length = len(parent["tokens"]) + 1
                            finished[b].append({"tokens": parent["tokens"],
                                                "score": log_prob / length_penalty(length, alpha),
                                                "attention": history})
                            if len(finished[b]) >= K:
                                break
                        else:
                            parents[b * K + len(survivors)] = row
                            chosen[b * K + len(survivors)] = token
                            survivors.append({"tokens": parent["tokens"] + [token],
                                              "logProb": log_prob, "attention": history})
                            if len(survivors) == K:
                                break
                    if len(finished[b]) >= K or not survivors:
                        done[b] = True
                for k in range(len(survivors), K):
                    parents[b * K + k] = b * K  # rows of a finished source follow its first row
                next_beams.append(survivors)
            beams = next_beams
            order = torch.tensor(parents, dtype=torch.long, device=device)
            state = {k: v.index_select(1 if v.dim() == 3 else 0, order) for k, v in out_state.items()}
            previous = torch.tensor(chosen, dtype=torch.long, device=device)
            t += 1
        # A stable sort, as JavaScript's: equal scores keep the order they finished in.
        return [sorted(hyps, key=lambda h: -h["score"])[:n_best] for hyps in finished]
    finally:
        model.train(was_training)
