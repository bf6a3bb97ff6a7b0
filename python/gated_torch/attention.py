"""Attention over the encoder outputs, as `@gated/attention` computes it: the same scores, the
same masked softmax, the same parameter names."""
import torch
from torch import nn

# Added to the scores of masked positions: its exp underflows to exactly 0 in float32.
MASKED_SCORE = -1e9


def masked_softmax(scores, mask):
    """Softmax over the last axis that gives masked positions (mask 0) exactly zero weight.

    scores [B, S], mask [B, S] float (1 = attend, 0 = padding) → weights [B, S]
    """
    hidden = (1 - mask) * MASKED_SCORE
    return torch.softmax(scores + hidden, dim=-1) * mask


class Attention(nn.Module):
    """What every score shares: the masked softmax and the weighted sum of the values."""

    def project_keys(self, keys):  # [B, S, Hk] → [B, S, ·]
        raise NotImplementedError

    def score(self, query, projected_keys):  # [B, Hq], [B, S, ·] → [B, S]
        raise NotImplementedError

    def forward(self, query, keys, values, mask, projected_keys=None):
        """query [B, Hq], keys [B, S, Hk], values [B, S, Hv], mask [B, S]
        → context [B, Hv], weights [B, S]"""
        if projected_keys is None:
            projected_keys = self.project_keys(keys)
        weights = masked_softmax(self.score(query, projected_keys), mask)  # [B, S]
        context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)  # [B, Hv]
        return context, weights


class AdditiveAttention(Attention):
    """Bahdanau, Cho & Bengio 2014, §A.1.2: e_ij = vᵀ tanh(W s_{i-1} + U h_j); also Luong et al.
    2015's `concat` score. `query_layer.weight` [A, Hq], `key_layer.weight` [A, Hk],
    `energy_layer.weight` [1, A]; no biases, as in the paper."""

    def __init__(self, query_width, key_width, hidden_width):
        super().__init__()
        self.query_layer = nn.Linear(query_width, hidden_width, bias=False)
        self.key_layer = nn.Linear(key_width, hidden_width, bias=False)
        self.energy_layer = nn.Linear(hidden_width, 1, bias=False)

    def project_keys(self, keys):
        return self.key_layer(keys)  # [B, S, A]

    def score(self, query, projected_keys):
        hidden = torch.tanh(projected_keys + self.query_layer(query).unsqueeze(1))  # [B, S, A]
        return self.energy_layer(hidden).squeeze(2)  # [B, S]


class LuongAttention(Attention):
    """Luong, Pham & Manning 2015, §3.1: `dot` (hᵀ h̄) and `general` (hᵀ W_a h̄), W_a applied to
    the keys (`key_layer.weight` [Hq, Hk]) so that it is computed once per sequence."""

    def __init__(self, score, query_width, key_width):
        super().__init__()
        if score not in ("dot", "general"):
            raise ValueError(f"LuongAttention: score must be 'dot' or 'general', got '{score}'")
        if score == "dot" and query_width != key_width:
            raise ValueError(
                f"LuongAttention: the dot score needs queryWidth = keyWidth, got {query_width} and {key_width}")
        self.key_layer = nn.Linear(key_width, query_width, bias=False) if score == "general" else None

    def project_keys(self, keys):
        return keys if self.key_layer is None else self.key_layer(keys)  # [B, S, Hq]

    def score(self, query, projected_keys):
        return torch.bmm(projected_keys, query.unsqueeze(2)).squeeze(2)  # [B, S]
