#!/usr/bin/python3
"""Writes fixtures/torch-keras-layout.json: PyTorch recurrent layers, their weights in Keras's
layout, and their outputs, for the layers tfjs-layers cannot build (GRU with reset_after=True,
the Keras and cuDNN default) and as a second reference for the LSTM.

Run with Debian's torch (apt-get install -y python3-torch), from packages/keras:
    /usr/bin/python3 scripts/make_fixtures.py
Tests read the committed JSON and never need torch or TensorFlow.

Each case: a seeded torch.nn.GRU/LSTM (batch_first, odd sizes: input 7, units 5, batch 3,
6 steps), its weights mapped to Keras names and layouts through the exact correspondence:
    kernel = weight_ih.T, recurrent_kernel = weight_hh.T, gate blocks reordered
    (GRU: PyTorch r, z, n -> Keras z, r, h; LSTM: i, f, g, o is Keras's i, f, c, o),
    GRU bias = stack([bias_ih, bias_hh]) [2, 3H] (reset_after=True),
    LSTM bias = bias_ih + bias_hh [4H] (Keras has one bias),
the input, PyTorch's output [B, T, D*H] and h_n [D, B, H]. The script also runs Keras's own GRU
equations (reset_after=True, from keras/layers/rnn/gru.py) on the Keras-layout weights with numpy
and checks they agree with PyTorch, so the correspondence itself is checked, not assumed.
"""
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "torch-keras-layout.json")
INPUT, UNITS, BATCH, STEPS = 7, 5, 3, 6


def values(t):
    t = torch.as_tensor(t).detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "values": [float(v) for v in t.flatten().tolist()]}


def blocks(t, order, gates):
    """Reorders the gate blocks along the first axis of t."""
    parts = torch.chunk(t, gates, dim=0)
    return torch.cat([parts[i] for i in order], dim=0)


def keras_weights(kind, module, prefix, suffix):
    """The Keras-layout weights of one direction of `module`, by Keras-style names."""
    w_ih = getattr(module, f"weight_ih_l0{suffix}")
    w_hh = getattr(module, f"weight_hh_l0{suffix}")
    b_ih = getattr(module, f"bias_ih_l0{suffix}")
    b_hh = getattr(module, f"bias_hh_l0{suffix}")
    if kind == "GRU":
        order, gates = [1, 0, 2], 3  # Keras z, r, h from PyTorch r, z, n
        bias = torch.stack([blocks(b_ih, order, gates), blocks(b_hh, order, gates)])
    else:
        order, gates = [0, 1, 2, 3], 4
        bias = b_ih + b_hh
    return {
        f"{prefix}/kernel": values(blocks(w_ih, order, gates).T),
        f"{prefix}/recurrent_kernel": values(blocks(w_hh, order, gates).T),
        f"{prefix}/bias": values(bias),
    }


def keras_gru(x, kernel, recurrent_kernel, bias, backwards=False):
    """Keras's GRUCell.call with reset_after=True, in numpy: returns outputs [B, T, H], last h."""
    h = np.zeros((x.shape[0], UNITS), dtype=np.float64)
    steps = range(x.shape[1] - 1, -1, -1) if backwards else range(x.shape[1])
    outputs = np.zeros((x.shape[0], x.shape[1], UNITS))
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in steps:
        matrix_x = x[:, t] @ kernel + bias[0]
        matrix_inner = h @ recurrent_kernel + bias[1]
        x_z, x_r, x_h = np.split(matrix_x, 3, axis=1)
        r_z, r_r, r_h = np.split(matrix_inner, 3, axis=1)
        z = sigmoid(x_z + r_z)
        r = sigmoid(x_r + r_r)
        hh = np.tanh(x_h + r * r_h)
        h = z * h + (1 - z) * hh
        outputs[:, t] = h
    return outputs, h


def arr(j):
    return np.array(j["values"], dtype=np.float64).reshape(j["shape"])


def make_case(name, kind, bidirectional, seed):
    torch.manual_seed(seed)
    cls = nn.GRU if kind == "GRU" else nn.LSTM
    module = cls(INPUT, UNITS, batch_first=True, bidirectional=bidirectional)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.6, 0.6)  # wider than the default, so every gate is exercised
    x = torch.randn(BATCH, STEPS, INPUT)
    with torch.no_grad():
        output, state = module(x)
    h_n = state if kind == "GRU" else state[0]
    layer = "bidirectional" if bidirectional else kind.lower()
    if bidirectional:
        weights = {
            **keras_weights(kind, module, f"{layer}/forward_{kind.lower()}/{kind.lower()}_cell", ""),
            **keras_weights(kind, module, f"{layer}/backward_{kind.lower()}/{kind.lower()}_cell", "_reverse"),
        }
    else:
        weights = keras_weights(kind, module, f"{layer}/{kind.lower()}_cell", "")
    if kind == "GRU":
        halves = []
        for direction, backwards in [("forward", False), ("backward", True)][: 2 if bidirectional else 1]:
            prefix = f"{layer}/{direction}_gru/gru_cell" if bidirectional else f"{layer}/gru_cell"
            outs, _ = keras_gru(
                x.double().numpy(),
                arr(weights[f"{prefix}/kernel"]),
                arr(weights[f"{prefix}/recurrent_kernel"]),
                arr(weights[f"{prefix}/bias"]),
                backwards,
            )
            halves.append(outs)
        worst = np.abs(np.concatenate(halves, axis=2) - output.double().numpy()).max()
        assert worst < 1e-5, f"{name}: Keras's GRU equations and PyTorch differ by {worst}"
        print(f"{name}: Keras's reset_after=True equations vs torch.nn.GRU: {worst:.2e}")
    return {
        "name": name,
        "kind": kind,
        "bidirectional": bidirectional,
        "inputSize": INPUT,
        "units": UNITS,
        "kerasWeights": weights,
        "x": values(x),
        "output": values(output),
        "hN": values(h_n),
    }


def main():
    cases = [
        make_case("gru", "GRU", False, 19),
        make_case("gru-bidirectional", "GRU", True, 20),
        make_case("lstm", "LSTM", False, 21),
        make_case("lstm-bidirectional", "LSTM", True, 22),
    ]
    fixture = {"torch": torch.__version__, "cases": cases}
    with open(OUT, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
