#!/usr/bin/python3
"""The onnxruntime-web peer's models for the browser speed suite: reads {"configs": [...],
"dir": path} on stdin and exports each config's PyTorch layer (seed 42, batch-first) to
<dir>/<index>.onnx, input "x" [batch, length, input], output "h" [batch, hidden] (the last
hidden state), as speed_torch.py does for onnxruntime-node. Prints {"torch": version}."""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from speed_torch import export_onnx  # noqa: E402


def main():
    request = json.load(sys.stdin)
    torch.set_num_threads(1)
    for index, config in enumerate(request["configs"]):
        torch.manual_seed(42)
        kind = {"lstm": nn.LSTM, "gru": nn.GRU}[config["kind"]]
        layer = kind(config["input"], config["hidden"], batch_first=True)
        x = torch.randn(config["batch"], config["length"], config["input"])
        export_onnx(layer, x, os.path.join(request["dir"], f"{index}.onnx"))
    json.dump({"torch": torch.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
