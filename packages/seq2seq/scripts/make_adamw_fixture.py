#!/usr/bin/python3
"""Writes fixtures/adamw.json, the PyTorch reference that @gated/seq2seq's Adam and AdamW are
tested against (src/adam.test.ts).

Run from packages/seq2seq with Debian's torch (apt-get install -y python3-torch):
    /usr/bin/python3 scripts/make_adamw_fixture.py            # writes fixtures/adamw.json
    /usr/bin/python3 scripts/make_adamw_fixture.py --stdout   # prints it (the test compares)
The tests read the committed file and never need torch.

The fixed problem: a tanh regression, loss = mean((tanh(x W + b) - y)^2), with x [7, 3],
y [7, 5], W [3, 5], b [5] drawn from seed 42 (small odd sizes, so a transposed matrix cannot
pass). Each case runs 100 optimiser steps on the full batch and records the loss before every
step, the parameters after some steps, and the moments after the last one.
"""
import json
import math
import sys

import torch

torch.set_num_threads(1)
STEPS = 100
SNAPSHOTS = [1, 2, 3, 10, 25, 50, 75, 100]


def values(t):
    return [float(v) for v in t.detach().to(torch.float32).flatten().tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "values": values(t)}


def problem():
    g = torch.Generator().manual_seed(42)
    return {
        "x": torch.randn(7, 3, generator=g),
        "y": 0.5 * torch.randn(7, 5, generator=g),
        "weight": 0.5 * torch.randn(3, 5, generator=g),
        "bias": 0.1 * torch.randn(5, generator=g),
    }


def run(data, make_optimizer, learning_rates):
    weight = data["weight"].clone().requires_grad_(True)
    bias = data["bias"].clone().requires_grad_(True)
    optimizer = make_optimizer([weight, bias])
    losses, snapshots = [], {}
    for step, lr in enumerate(learning_rates, start=1):
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad()
        loss = ((torch.tanh(data["x"] @ weight + bias) - data["y"]) ** 2).mean()
        loss.backward()
        losses.append(float(loss))
        optimizer.step()
        if step in SNAPSHOTS:
            snapshots[str(step)] = {"weight": values(weight), "bias": values(bias)}
    state = {
        name: {"m": values(optimizer.state[p]["exp_avg"]), "v": values(optimizer.state[p]["exp_avg_sq"])}
        for name, p in [("weight", weight), ("bias", bias)]
    }
    return {"losses": losses, "snapshots": snapshots, "moments": state}


def main():
    data = problem()
    constant = [1e-2] * STEPS
    # A warm-up-free cosine from 0.05 to 0: the decay must use each step's own rate.
    cosine = [0.05 * 0.5 * (1 + math.cos(math.pi * t / STEPS)) for t in range(STEPS)]
    adamw_defaults = torch.optim.AdamW([torch.zeros(1, requires_grad=True)]).defaults
    cases = [
        {
            "name": "AdamW with PyTorch's defaults (weight_decay 0.01), lr 1e-2",
            "optimizer": "AdamW",
            "options": {},
            "learningRates": constant,
            **run(data, lambda p: torch.optim.AdamW(p, lr=1e-2), constant),
        },
        {
            "name": "AdamW, weight_decay 0.1, betas (0.8, 0.99), eps 1e-6, cosine lr from 0.05",
            "optimizer": "AdamW",
            "options": {"weightDecay": 0.1, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6},
            "learningRates": cosine,
            **run(
                data,
                lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1, betas=(0.8, 0.99), eps=1e-6),
                cosine,
            ),
        },
        {
            "name": "Adam (no weight decay), lr 1e-2",
            "optimizer": "Adam",
            "options": {},
            "learningRates": constant,
            **run(data, lambda p: torch.optim.Adam(p, lr=1e-2), constant),
        },
    ]
    fixture = {
        "torch": torch.__version__,
        "adamwDefaults": {
            "weightDecay": adamw_defaults["weight_decay"],
            "beta1": adamw_defaults["betas"][0],
            "beta2": adamw_defaults["betas"][1],
            "epsilon": adamw_defaults["eps"],
        },
        "problem": {name: tensor_json(t) for name, t in data.items()},
        "cases": cases,
    }
    text = json.dumps(fixture, indent=1) + "\n"
    if "--stdout" in sys.argv:
        sys.stdout.write(text)
    else:
        with open("fixtures/adamw.json", "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
