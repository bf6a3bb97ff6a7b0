#!/usr/bin/python3
"""The PyTorch peer of the speed suite: reads {"configs": [...], "warmup": n, "reps": n,
"minMs": n} on stdin, times one training step (Adam, MSE on h_n) and one inference per config,
the same shapes as the TypeScript subjects, and prints {"torch": version, "threads": n,
"results": [...]} as JSON.
With "onnxDir" in the request, each layer is also exported to ONNX (<onnxDir>/<index>.onnx,
input "x" [batch, length, input], output "h" [batch, hidden]) for the onnxruntime-node peer:
what a PyTorch user deploys to JavaScript today."""
import json
import sys
import time

import torch
from torch import nn

# Each size is timed with 1 and with 2 intra-op threads and the faster is kept: on a small VM a
# thread that sleeps between ops can cost a whole scheduler tick to wake, which would make
# PyTorch look slower than it is.
THREAD_COUNTS = (1, 2)
THREADS = max(THREAD_COUNTS)


def median_ms(run, warmup, reps, min_ms=0):
    """Median of at least `reps` runs after at least `warmup`, each phase at least `min_ms` long
    (the same protocol as timeMs in src/speed/subjects.ts)."""
    start = time.perf_counter()
    done = 0
    while done < warmup or (time.perf_counter() - start) * 1000 < min_ms:
        run()
        done += 1
    times = []
    start = time.perf_counter()
    while len(times) < reps or (time.perf_counter() - start) * 1000 < min_ms:
        before = time.perf_counter()
        run()
        times.append((time.perf_counter() - before) * 1000)
    times.sort()
    return times[len(times) // 2]


def measure(config, warmup, reps, onnx_path=None, min_ms=0):
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

    timings = []
    for threads in THREAD_COUNTS:
        torch.set_num_threads(threads)
        timings.append(
            (median_ms(train, warmup, reps, min_ms), median_ms(infer, warmup, reps, min_ms), threads)
        )
    torch.set_num_threads(THREADS)
    train_ms, train_threads = min((t[0], t[2]) for t in timings)
    infer_ms, infer_threads = min((t[1], t[2]) for t in timings)
    result = {
        "trainMs": train_ms,
        "inferMs": infer_ms,
        "trainThreads": train_threads,
        "inferThreads": infer_threads,
    }
    if onnx_path is not None:
        export_onnx(layer, x, onnx_path)
        result["onnx"] = onnx_path
    return result


class LastState(nn.Module):
    """The layer's last hidden state, the output the speed suite reads."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        out = self.layer(x)[1]
        return (out[0] if isinstance(out, tuple) else out)[0]


def export_onnx(layer, x, path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch 1.13 warns about shape inference of constants
        torch.onnx.export(
            LastState(layer).eval(), (x,), path, input_names=["x"], output_names=["h"], opset_version=14
        )


def main():
    request = json.load(sys.stdin)
    onnx_dir = request.get("onnxDir")
    # Warm the process up first (allocator, thread pools, CPU clocks): without this the first
    # sizes measured came out up to 1.7x slower than in a later, identical measurement.
    if request["configs"]:
        measure(request["configs"][0], 20, 1)
    results = [
        measure(
            c,
            request["warmup"],
            request["reps"],
            f"{onnx_dir}/{i}.onnx" if onnx_dir else None,
            request.get("minMs", 0),
        )
        for i, c in enumerate(request["configs"])
    ]
    json.dump({"torch": torch.__version__, "threads": THREADS, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
