#!/usr/bin/python3
"""The PyTorch peer of the speed suite: reads {"configs": [...], "warmup": n, "reps": n} on stdin,
times one training step (Adam, MSE on h_n) and one inference per config, the same shapes as the
TypeScript subjects, and prints {"torch": version, "threads": n, "results": [...]} as JSON."""
import json
import sys
import time

import torch
from torch import nn

THREADS = 2
torch.set_num_threads(THREADS)


def median_ms(run, warmup, reps):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def measure(config, warmup, reps):
    torch.manual_seed(42)
    kind = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[config["kind"]]
    layer = kind(config["input"], config["hidden"], batch_first=True)
    x = torch.randn(config["batch"], config["length"], config["input"])
    y = torch.randn(config["batch"], config["hidden"])
    optimizer = torch.optim.Adam(layer.parameters(), lr=1e-3)

    def last_state():
        out = layer(x)[1]
        return (out[0] if isinstance(out, tuple) else out)[0]

    def train():
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(last_state(), y)
        loss.backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            last_state()

    return {"trainMs": median_ms(train, warmup, reps), "inferMs": median_ms(infer, warmup, reps)}


def main():
    request = json.load(sys.stdin)
    results = [measure(c, request["warmup"], request["reps"]) for c in request["configs"]]
    json.dump({"torch": torch.__version__, "threads": THREADS, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
