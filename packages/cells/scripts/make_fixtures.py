#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that @gated/cells is tested against.

Run with Debian's torch (apt-get install -y python3-torch), from packages/cells:
    /usr/bin/python3 scripts/make_fixtures.py
Tests and CI read the committed files in fixtures/ and never need torch.

For every case: inputs, initial states, the module's state_dict, the outputs, and the gradients
of a scalar loss, sum(output * w_out) + sum(h_n * w_h) + sum(c_n * w_c) with fixed random w_*,
with respect to the input, the initial states and every parameter. Sizes are small and odd
(input 7, hidden 5, batch 3) so that a transposed matrix cannot pass.
"""
import json
import os
import struct

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures")
INPUT, HIDDEN, BATCH, STEPS = 7, 5, 3, 6


def tensor_json(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "values": [float(v) for v in t.flatten().tolist()]}


def layer_cases():
    """The matrix: every kind, 1-3 layers, both directions, both layouts, bias, proj, relu, lengths."""
    cases = []
    for kind in ["RNN", "LSTM", "GRU"]:
        cases += [
            dict(kind=kind),
            dict(kind=kind, batchFirst=True, initialState=True),
            dict(kind=kind, numLayers=2, bidirectional=True, initialState=True),
            dict(kind=kind, numLayers=3, batchFirst=True),
            dict(kind=kind, bias=False, bidirectional=True),
            dict(kind=kind, lengths=[6, 2, 4]),
            dict(kind=kind, lengths=[3, 6, 1], bidirectional=True, numLayers=2, initialState=True),
            dict(kind=kind, lengths=[5, 6, 2], bidirectional=True, batchFirst=True, bias=False),
        ]
    cases += [
        dict(kind="RNN", nonlinearity="relu", numLayers=2),
        dict(kind="RNN", nonlinearity="relu", bidirectional=True, lengths=[4, 6, 3], initialState=True),
        dict(kind="LSTM", projSize=3),
        dict(kind="LSTM", projSize=3, numLayers=2, bidirectional=True, initialState=True),
        dict(kind="LSTM", projSize=2, lengths=[6, 1, 3], bidirectional=True, batchFirst=True, initialState=True),
    ]
    for index, case in enumerate(cases):
        case["name"] = "-".join(f"{k}={v}" for k, v in case.items())
        case["seed"] = 1000 + index
    return cases


def make_layer_case(case):
    torch.manual_seed(case["seed"])
    kind = case["kind"]
    layers = case.get("numLayers", 1)
    bidirectional = case.get("bidirectional", False)
    batch_first = case.get("batchFirst", False)
    proj = case.get("projSize", 0)
    kwargs = dict(input_size=INPUT, hidden_size=HIDDEN, num_layers=layers, bias=case.get("bias", True),
                  batch_first=batch_first, bidirectional=bidirectional)
    if kind == "LSTM":
        module = nn.LSTM(proj_size=proj, **kwargs)
    elif kind == "GRU":
        module = nn.GRU(**kwargs)
    else:
        module = nn.RNN(nonlinearity=case.get("nonlinearity", "tanh"), **kwargs)
    directions = 2 if bidirectional else 1
    out_size = proj if proj > 0 else HIDDEN
    shape = (BATCH, STEPS, INPUT) if batch_first else (STEPS, BATCH, INPUT)
    x = torch.randn(*shape, requires_grad=True)
    h0 = c0 = None
    if case.get("initialState"):
        h0 = torch.randn(layers * directions, BATCH, out_size, requires_grad=True)
        if kind == "LSTM":
            c0 = torch.randn(layers * directions, BATCH, HIDDEN, requires_grad=True)
    state = None if h0 is None else ((h0, c0) if kind == "LSTM" else h0)

    lengths = case.get("lengths")
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        packed_out, final = module(packed, state)
        output, _ = pad_packed_sequence(packed_out, batch_first=batch_first, total_length=STEPS)
    else:
        output, final = module(x, state)
    h_n, c_n = final if kind == "LSTM" else (final, None)

    w_out = torch.randn_like(output)
    w_h = torch.randn_like(h_n)
    loss = (output * w_out).sum() + (h_n * w_h).sum()
    w_c = None
    if c_n is not None:
        w_c = torch.randn_like(c_n)
        loss = loss + (c_n * w_c).sum()
    params = dict(module.named_parameters())
    wrt = {"x": x, **({"h0": h0} if h0 is not None else {}), **({"c0": c0} if c0 is not None else {}), **params}
    grads = torch.autograd.grad(loss, list(wrt.values()))

    fixture = {k: v for k, v in case.items()}
    fixture.update(
        inputs={"x": tensor_json(x), **({"h0": tensor_json(h0)} if h0 is not None else {}),
                **({"c0": tensor_json(c0)} if c0 is not None else {})},
        stateDict={name: tensor_json(p) for name, p in module.state_dict().items()},
        outputs={"output": tensor_json(output), "hN": tensor_json(h_n),
                 **({"cN": tensor_json(c_n)} if c_n is not None else {})},
        lossWeights={"output": tensor_json(w_out), "hN": tensor_json(w_h),
                     **({"cN": tensor_json(w_c)} if w_c is not None else {})},
        loss=float(loss),
        grads={name: tensor_json(g) for name, g in zip(wrt.keys(), grads)},
    )
    return fixture


def make_cell_cases():
    fixtures = []
    specs = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {}),
             ("GRUCell", {"bias": False}), ("LSTMCell", {"bias": False})]
    for index, (kind, options) in enumerate(specs):
        torch.manual_seed(2000 + index)
        cell = getattr(nn, kind)(INPUT, HIDDEN, **options)
        x = torch.randn(BATCH, INPUT, requires_grad=True)
        h = torch.randn(BATCH, HIDDEN, requires_grad=True)
        c = torch.randn(BATCH, HIDDEN, requires_grad=True) if kind == "LSTMCell" else None
        result = cell(x, (h, c)) if c is not None else cell(x, h)
        h_new, c_new = result if c is not None else (result, None)
        w_h = torch.randn_like(h_new)
        loss = (h_new * w_h).sum()
        w_c = None
        if c_new is not None:
            w_c = torch.randn_like(c_new)
            loss = loss + (c_new * w_c).sum()
        wrt = {"x": x, "h": h, **({"c": c} if c is not None else {}), **dict(cell.named_parameters())}
        grads = torch.autograd.grad(loss, list(wrt.values()))
        fixtures.append(dict(
            name=f"{kind}-{options}", kind=kind, **options,
            inputs={"x": tensor_json(x), "h": tensor_json(h), **({"c": tensor_json(c)} if c is not None else {})},
            stateDict={name: tensor_json(p) for name, p in cell.state_dict().items()},
            outputs={"h": tensor_json(h_new), **({"c": tensor_json(c_new)} if c_new is not None else {})},
            lossWeights={"h": tensor_json(w_h), **({"c": tensor_json(w_c)} if w_c is not None else {})},
            grads={name: tensor_json(g) for name, g in zip(wrt.keys(), grads)},
        ))
    return fixtures


def make_module_cases():
    """nn.Linear and nn.Embedding (with padding_idx): outputs and gradients of a weighted sum."""
    torch.manual_seed(4000)
    linear = nn.Linear(INPUT, HIDDEN)
    x = torch.randn(BATCH, 2, INPUT, requires_grad=True)
    y = linear(x)
    w = torch.randn_like(y)
    grads = torch.autograd.grad((y * w).sum(), [x, linear.weight, linear.bias])
    embedding = nn.Embedding(11, HIDDEN, padding_idx=0)
    ids = torch.tensor([[3, 0, 10], [3, 3, 1]])
    e = embedding(ids)
    we = torch.randn_like(e)
    (grad_e,) = torch.autograd.grad((e * we).sum(), [embedding.weight])
    return {
        "linear": {"x": tensor_json(x), "stateDict": {k: tensor_json(v) for k, v in linear.state_dict().items()},
                   "output": tensor_json(y), "lossWeights": tensor_json(w),
                   "grads": {"x": tensor_json(grads[0]), "weight": tensor_json(grads[1]), "bias": tensor_json(grads[2])}},
        "embedding": {"ids": ids.tolist(), "stateDict": {k: tensor_json(v) for k, v in embedding.state_dict().items()},
                      "output": tensor_json(e), "lossWeights": tensor_json(we), "grads": {"weight": tensor_json(grad_e)}},
    }


DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int32: "I32",
          torch.int64: "I64"}


def save_safetensors(tensors, path, metadata=None):
    """The safetensors layout, written as safetensors.torch.save_file writes it (no pip here):
    u64 header length, JSON header padded with spaces to 8 bytes, then the raw little-endian data."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype in (torch.float16, torch.bfloat16) \
            else t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def make_safetensors_fixtures():
    """A PyTorch LSTM's state_dict as safetensors, with its expected output, plus half precision."""
    torch.manual_seed(3000)
    lstm = nn.LSTM(INPUT, HIDDEN, num_layers=2, bidirectional=True, batch_first=True)
    save_safetensors(lstm.state_dict(), os.path.join(OUT, "lstm-2layer-bidirectional.safetensors"),
                     {"format": "pt", "source": "torch.nn.LSTM(7, 5, num_layers=2, bidirectional=True, batch_first=True)"})
    x = torch.randn(BATCH, STEPS, INPUT)
    with torch.no_grad():
        output, (h_n, c_n) = lstm(x)
    values = torch.tensor([0.0, -0.0, 1.0, -2.5, 3.14159265, 1e-3, 6.1e-5, 3e-8, 65504.0, 70000.0, -1e-10,
                           float("inf"), 0.333333343, 1.00048828125, 1.0009765625, 2.0 ** -24, 2.0 ** -25,
                           123456.789, -7.8125e-3])
    save_safetensors({"f16": values.half(), "bf16": values.bfloat16(), "i64": torch.tensor([[1, -2, 2**31 - 1], [0, 5, -2**31]]),
                      "i32": torch.tensor([7, -9], dtype=torch.int32)}, os.path.join(OUT, "dtypes.safetensors"))
    return {
        "lstm": {"x": tensor_json(x), "output": tensor_json(output), "hN": tensor_json(h_n), "cN": tensor_json(c_n)},
        "dtypes": {"source": [float(v) for v in values.tolist()],
                   "f16": [float(v) for v in values.half().float().tolist()],
                   "f16Bits": values.half().view(torch.int16).tolist(),
                   "bf16": [float(v) for v in values.bfloat16().float().tolist()],
                   "bf16Bits": values.bfloat16().view(torch.int16).tolist()},
    }


def finite_or_name(value):
    """JSON has no Infinity: non-finite floats are written as the strings JavaScript's Number() reads."""
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, list):
        return [finite_or_name(v) for v in value]
    if isinstance(value, dict):
        return {k: finite_or_name(v) for k, v in value.items()}
    return value


def write(name, data):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(finite_or_name(data), f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    meta = {"torch": torch.__version__, "sizes": {"input": INPUT, "hidden": HIDDEN, "batch": BATCH, "steps": STEPS}}
    write("torch-layers.json", {**meta, "cases": [make_layer_case(c) for c in layer_cases()]})
    write("torch-cells.json", {**meta, "cases": make_cell_cases()})
    write("torch-modules.json", {**meta, **make_module_cases()})
    write("torch-safetensors.json", {**meta, **make_safetensors_fixtures()})
    print("wrote fixtures to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
