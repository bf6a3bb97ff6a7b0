"""The encoder and the bridge of `@gated/seq2seq` (`encoder.ts`, `bridge.ts`)."""
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

_RECURRENT = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def make_recurrent(cell, input_size, hidden_size, num_layers, dropout, bidirectional=False):
    """torch.nn.LSTM / GRU / RNN (tanh), batch-first: the layers gated's parameter names come from."""
    return _RECURRENT[cell](
        input_size, hidden_size, num_layers=num_layers, batch_first=True,
        dropout=dropout if num_layers > 1 else 0.0, bidirectional=bidirectional)


class Encoder(nn.Module):
    """Embedding + a (bidirectional, multi-layer) recurrent layer over padded source ids, run as a
    packed sequence so that padding never reaches the state."""

    def __init__(self, c):
        super().__init__()
        self.config = c
        directions = 2 if c["bidirectional"] else 1
        self.embedding = nn.Embedding(c["sourceVocabSize"], c["embeddingSize"], padding_idx=c["padId"])
        self.rnn = make_recurrent(c["cell"], c["embeddingSize"], c["encoderHiddenSize"] // directions,
                                  c["encoderLayers"], c["dropout"], c["bidirectional"])
        self.dropout = nn.Dropout(c["dropout"])

    def forward(self, source, lengths):
        """source int64 [B, S] (padded), lengths int64 [B] (1..S)
        → outputs [B, S, He], h [Le, B, He], c [Le, B, He] (LSTM) or None"""
        steps = source.shape[1]
        embedded = self.dropout(self.embedding(source))  # [B, S, E]
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed)
        outputs, _ = pad_packed_sequence(out, batch_first=True, total_length=steps)  # [B, S, He]
        h, c = state if isinstance(state, tuple) else (state, None)
        return outputs, self._join(h), None if c is None else self._join(c)

    def _join(self, state):
        """[L·D, B, H] (layer-major, forward then reverse) → [L, B, D·H]."""
        if not self.config["bidirectional"]:
            return state
        _, batch, hidden = state.shape
        layers = self.config["encoderLayers"]
        return state.view(layers, 2, batch, hidden).permute(0, 2, 1, 3).reshape(layers, batch, 2 * hidden)


class Bridge(nn.Module):
    """The encoder's final state → the decoder's initial state: the top `decoderLayers` layers
    (the top one repeated for a deeper decoder), through `tanh(W h)` when the widths differ."""

    def __init__(self, c):
        super().__init__()
        self.layers = c["decoderLayers"]
        self.h = self.c = None
        if c["encoderHiddenSize"] != c["hiddenSize"]:
            self.h = nn.Linear(c["encoderHiddenSize"], c["hiddenSize"])
            if c["cell"] == "lstm":
                self.c = nn.Linear(c["encoderHiddenSize"], c["hiddenSize"])

    def forward(self, h, c=None):
        """h, c [Le, B, He] → h, c [decoderLayers, B, H] (c None unless LSTM)"""
        return self._map(h, self.h), None if c is None else self._map(c, self.c)

    def _map(self, state, layer):
        encoder_layers = state.shape[0]
        if self.layers <= encoder_layers:
            picked = state[encoder_layers - self.layers:]
        else:
            top = state[encoder_layers - 1:]
            picked = torch.cat([state, top.repeat(self.layers - encoder_layers, 1, 1)], 0)
        return picked if layer is None else torch.tanh(layer(picked))
