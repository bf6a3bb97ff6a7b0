#!/usr/bin/python3
"""The PyTorch peer of the speed suite: reads {"configs": [...], "warmup": n, "reps": n} on stdin,
times one training step (Adam, MSE on h_n) and one inference per config, the same shapes as the
TypeScript subjects, and prints {"torch": version, "threads": n, "results": [...]} as JSON.
With "onnxDir" in the request, each layer is also exported to ONNX (<onnxDir>/<index>.onnx,
input "x" [batch, length, input], output "h" [batch, hidden]) for the onnxruntime-node peer:
what a PyTorch user deploys to JavaScript today."""
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


def measure(config, warmup, reps, onnx_path=None):
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

    result = {"trainMs": median_ms(train, warmup, reps), "inferMs": median_ms(infer, warmup, reps)}
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
    results = [
        measure(c, request["warmup"], request["reps"], f"{onnx_dir}/{i}.onnx" if onnx_dir else None)
        for i, c in enumerate(request["configs"])
    ]
    json.dump({"torch": torch.__version__, "threads": THREADS, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
