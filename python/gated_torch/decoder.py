"""The decoders of `@gated/seq2seq` (`decoder-base.ts`, `decoder.ts`, `attention-decoder.ts`,
`output-layer.ts`). A step takes the previous tokens [B] and a state dict {h, c?, feed?} and
returns logits [B, V], the new state and (with attention) the weights [B, S]."""
import torch
from torch import nn

from .attention import AdditiveAttention, LuongAttention
from .encoder import make_recurrent


class OutputLayer(nn.Module):
    """Features [B, H] → logits [B, V]: `projection`, or with tied embeddings (Press & Wolf 2017)
    `pre_output` to the embedding width, then the target embedding's transpose and `bias`."""

    def __init__(self, in_features, vocab_size, embedding_dim, tied):
        super().__init__()
        self.tied = tied
        if tied:
            self.pre_output = nn.Linear(in_features, embedding_dim)
            self.bias = nn.Parameter(torch.zeros(vocab_size))
        else:
            self.projection = nn.Linear(in_features, vocab_size)

    def forward(self, features, embedding_weight):
        if not self.tied:
            return self.projection(features)
        return nn.functional.linear(self.pre_output(features), embedding_weight, self.bias)


class DecoderBase(nn.Module):
    """Target embedding, recurrent layer, and (registered last by subclasses) the output layer."""

    def __init__(self, c, rnn_input):
        super().__init__()
        self.config = c
        self.embedding = nn.Embedding(c["targetVocabSize"], c["embeddingSize"], padding_idx=c["padId"])
        self.rnn = make_recurrent(c["cell"], rnn_input, c["hiddenSize"], c["decoderLayers"], c["dropout"])
        self.dropout = nn.Dropout(c["dropout"])

    def make_output_layer(self):
        c = self.config
        return OutputLayer(c["hiddenSize"], c["targetVocabSize"], c["embeddingSize"], c["tieEmbeddings"])

    def project(self, features):
        return self.output(self.dropout(features), self.embedding.weight)

    def advance(self, inputs, state):
        """One recurrent step: inputs [B, in] → top-layer output [B, H] and the new {h, c?}."""
        if state.get("c") is not None:
            out, (h, c) = self.rnn(inputs.unsqueeze(1), (state["h"], state["c"]))
            return out.squeeze(1), {"h": h, "c": c}
        out, h = self.rnn(inputs.unsqueeze(1), state["h"])
        return out.squeeze(1), {"h": h}


class Decoder(DecoderBase):
    """Without attention (Sutskever, Vinyals & Le 2014): the source reaches the decoder only
    through its initial state — the fixed-vector bottleneck."""

    def __init__(self, c):
        super().__init__(c, c["embeddingSize"])
        self.output = self.make_output_layer()

    def initial_state(self, bridged, batch):
        return bridged

    def step(self, previous, state, memory):
        """1. embed the previous token, 2. advance the RNN, 3. project to the vocabulary."""
        embedded = self.dropout(self.embedding(previous))  # [B, E]
        top, new_state = self.advance(embedded, state)  # [B, H]
        return self.project(top), new_state, None


class AttentionDecoder(DecoderBase):
    """Attends over every encoder output at every step.
    - bahdanau (Bahdanau, Cho & Bengio 2014): attend from s_{t-1}, feed the context to the RNN;
    - luong-* (Luong, Pham & Manning 2015): advance first, attend from s_t, feed the attentional
      vector back at the next step (input feeding, §3.3).
    Both predict from ã_t = tanh(W_c [s_t; c_t]) (Luong eq. 5)."""

    def __init__(self, c):
        self.bahdanau = c["attention"] == "bahdanau"
        H, He = c["hiddenSize"], c["encoderHiddenSize"]
        super().__init__(c, c["embeddingSize"] + (He if self.bahdanau else H))
        if c["attention"] in ("bahdanau", "luong-concat"):
            self.attention = AdditiveAttention(H, He, H)
        else:
            self.attention = LuongAttention("dot" if c["attention"] == "luong-dot" else "general", H, He)
        self.combine = nn.Linear(H + He, H, bias=False)
        self.output = self.make_output_layer()

    def initial_state(self, bridged, batch):
        if self.bahdanau:
            return bridged
        feed = bridged["h"].new_zeros(batch, self.config["hiddenSize"])
        return {**bridged, "feed": feed}

    def step(self, previous, state, memory):
        """Bahdanau: 1. embed, 2. attend from s_{t-1}, 3. advance on [embedding; context],
        4. combine, 5. project. Luong: 1. embed, 2. advance on [embedding; ã_{t-1}], 3. attend
        from s_t, 4. combine (ã_t, fed to the next step), 5. project."""
        embedded = self.dropout(self.embedding(previous))  # [B, E]
        if self.bahdanau:
            context, weights = self.attend(state["h"][-1], memory)  # [B, He], [B, S]
            top, new_state = self.advance(torch.cat([embedded, context], 1), {"h": state["h"], "c": state.get("c")})
            attentional = torch.tanh(self.combine(torch.cat([top, context], 1)))  # [B, H]
            return self.project(attentional), new_state, weights
        top, new_state = self.advance(torch.cat([embedded, state["feed"]], 1), state)
        context, weights = self.attend(top, memory)
        attentional = torch.tanh(self.combine(torch.cat([top, context], 1)))
        return self.project(attentional), {**new_state, "feed": attentional}, weights

    def attend(self, query, memory):
        return self.attention(query, memory["outputs"], memory["outputs"], memory["mask"],
                              memory["projected_keys"])
