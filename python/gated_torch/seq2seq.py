"""The PyTorch twin of `@gated/seq2seq`'s `Seq2Seq` (`seq2seq.ts`, `batch.ts`): built from the
same config, with the same parameter names, computing the same function."""
import torch
from torch import nn

from .config import resolve_config
from .decoder import AttentionDecoder, Decoder
from .encoder import Bridge, Encoder


class SourceBatch:
    """Padded source ids: `source` int64 [B, S] (each reversed within its length when
    `reverseSource`), `lengths` int64 [B], `mask` float32 [B, S] (1 on real positions)."""

    def __init__(self, source, lengths, mask):
        self.source, self.lengths, self.mask = source, lengths, mask

    def to(self, device):
        return SourceBatch(self.source.to(device), self.lengths, self.mask.to(device))


def _check_ids(where, what, ids, vocab, index):
    for token in ids:
        if isinstance(token, bool) or not isinstance(token, int) or not 0 <= token < vocab:
            raise ValueError(f"{where}: {what}[{index}] holds {token!r}, expected token ids in [0, {vocab})")


def make_source_batch(config, sources, where="Seq2Seq"):
    """sources: B ≥ 1 lists of source-vocabulary ids, each non-empty → SourceBatch."""
    if len(sources) == 0:
        raise ValueError(f"{where}: expected at least one source sequence, got none")
    for i, ids in enumerate(sources):
        _check_ids(where, "sources", ids, config["sourceVocabSize"], i)
        if len(ids) == 0:
            raise ValueError(f"{where}: sources[{i}] is empty; every source needs at least one token")
    steps = max(len(s) for s in sources)
    source = torch.full((len(sources), steps), config["padId"], dtype=torch.long)
    mask = torch.zeros(len(sources), steps)
    for b, ids in enumerate(sources):
        ordered = list(reversed(ids)) if config["reverseSource"] else list(ids)
        source[b, : len(ids)] = torch.tensor(ordered, dtype=torch.long)
        mask[b, : len(ids)] = 1
    lengths = torch.tensor([len(s) for s in sources], dtype=torch.long)
    return SourceBatch(source, lengths, mask)


def make_training_batch(config, examples, where="Seq2Seq"):
    """examples: (source ids, target ids) pairs without BOS/EOS → (SourceBatch, target_input
    [B, T] = BOS y…, target_output [B, T] = y… EOS, target_mask [B, T]), T = longest target + 1."""
    for i, (_, target) in enumerate(examples):
        _check_ids(where, "targets", target, config["targetVocabSize"], i)
    batch = make_source_batch(config, [s for s, _ in examples], where)
    steps = max(len(t) for _, t in examples) + 1
    pad = config["padId"]
    target_input = torch.full((len(examples), steps), pad, dtype=torch.long)
    target_output = torch.full((len(examples), steps), pad, dtype=torch.long)
    target_mask = torch.zeros(len(examples), steps)
    for b, (_, target) in enumerate(examples):
        target_input[b, 0] = config["bosId"]
        target_input[b, 1 : len(target) + 1] = torch.tensor(target, dtype=torch.long)
        target_output[b, : len(target)] = torch.tensor(target, dtype=torch.long)
        target_output[b, len(target)] = config["eosId"]
        target_mask[b, : len(target) + 1] = 1
    return batch, target_input, target_output, target_mask


class Seq2Seq(nn.Module):
    """An encoder-decoder model (Sutskever, Vinyals & Le 2014), with attention (Bahdanau, Cho &
    Bengio 2014; Luong, Pham & Manning 2015) or without. `forward` gives the teacher-forced
    logits, so that DistributedDataParallel can wrap it; `encode` and `step` serve decoding.

    >>> model = Seq2Seq({"sourceVocabSize": 30, "targetVocabSize": 40, "bosId": 1, "eosId": 2, "padId": 0})
    """

    def __init__(self, config):
        super().__init__()
        self.config = resolve_config(config)
        c = self.config
        self.encoder = Encoder(c)
        self.bridge = Bridge(c)
        self.decoder = Decoder(c) if c["attention"] == "none" else AttentionDecoder(c)

    def encode(self, batch):
        """SourceBatch → (memory {outputs [B, S, He], mask [B, S], projected_keys}, state {h, c?, feed?})"""
        outputs, h, c = self.encoder(batch.source, batch.lengths)
        memory = {"outputs": outputs, "mask": batch.mask, "projected_keys": None}
        if isinstance(self.decoder, AttentionDecoder):
            memory["projected_keys"] = self.decoder.attention.project_keys(outputs)
        bh, bc = self.bridge(h, c)
        bridged = {"h": bh} if bc is None else {"h": bh, "c": bc}
        return memory, self.decoder.initial_state(bridged, batch.source.shape[0])

    def step(self, previous, state, memory):
        """previous int64 [B] → logits [B, V], the new state, attention weights [B, S] or None"""
        return self.decoder.step(previous, state, memory)

    def forward(self, source, lengths, mask, target_input):
        """Teacher-forced logits [B, T, V]: source [B, S], lengths [B], mask [B, S], target_input [B, T]."""
        memory, state = self.encode(SourceBatch(source, lengths, mask))
        logits = []
        for t in range(target_input.shape[1]):
            step_logits, state, _ = self.step(target_input[:, t], state, memory)
            logits.append(step_logits)
        return torch.stack(logits, 1)


def masked_cross_entropy(logits, targets, mask, smoothing=0.0):
    """Mean cross-entropy over real target tokens (`loss.ts`), with label smoothing ε (Szegedy
    et al. 2016). logits [B, T, V], targets [B, T], mask [B, T] → scalar."""
    log_probs = torch.log_softmax(logits, -1)
    nll = -log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)  # [B, T]
    per_token = nll * (1 - smoothing) - log_probs.mean(-1) * smoothing if smoothing > 0 else nll
    return (per_token * mask).sum() / mask.sum().clamp(min=1)
