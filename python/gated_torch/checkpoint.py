"""Checkpoints in `@gated/seq2seq`'s format 2 (`checkpoint.ts`): `config.json` (the manifest)
plus `weights.safetensors` with the model's parameter names; a training checkpoint of this twin
adds `torch-optimizer.safetensors` (Adam's `m.<name>`, `v.<name>`) and `torch-training.json`,
listed in the manifest like every file. Loading checks everything before it changes anything."""
import json

import torch

from .config import ConfigError, check_checkpoint_config, config_differences, parameter_count
from .manifest import FORMAT, CheckpointError, encode_manifest, read_manifest
from .safetensors import SafetensorsError, decode_safetensors, encode_safetensors, read_header
from .seq2seq import Seq2Seq

TRAINING_FILES = ("torch-optimizer.safetensors", "torch-training.json")


def model_files(model, extra=None, more=None):
    """A model checkpoint {name: bytes}: `config.json` + `weights.safetensors` (+ `more` files)."""
    weights = {name: p.detach().float().cpu() for name, p in model.state_dict().items()}
    files = {"weights.safetensors": encode_safetensors(weights, {"format": FORMAT}), **(more or {})}
    return {"config.json": encode_manifest(model.config, extra, files), **files}


def _data_bytes(data):
    entries, _, start = read_header(data)
    return len(data) - start


def _check_weight_bytes(name, data, parameters):
    try:
        size = _data_bytes(data)
    except SafetensorsError as error:
        raise CheckpointError(f"checkpoint: {name} is not a safetensors file ({error})") from None
    if size not in (4 * parameters, 2 * parameters):
        raise CheckpointError(
            f"checkpoint: {name} holds {size} bytes of tensor data; the config describes "
            f"{parameters} values, {4 * parameters} or {2 * parameters} bytes")


def _open(files, limits):
    manifest = read_manifest(files)
    try:
        config = check_checkpoint_config(manifest["config"], limits)
    except ConfigError as error:
        raise CheckpointError(str(error)) from None
    weights = files["weights.safetensors"]
    _check_weight_bytes("weights.safetensors", weights, parameter_count(config))
    return manifest, config, weights


def checked_state_dict(model, tensors, where="checkpoint"):
    """`tensors` as a state dict for `model`, or CheckpointError listing every missing key,
    unexpected key and shape mismatch. Nothing is assigned here."""
    own = model.state_dict()
    problems = []
    missing = [k for k in own if k not in tensors]
    unexpected = [k for k in tensors if k not in own]
    if missing:
        problems.append("missing weights: " + ", ".join(f"'{k}'" for k in missing))
    if unexpected:
        problems.append("unexpected weights: " + ", ".join(f"'{k}'" for k in unexpected))
    for name, value in tensors.items():
        if name in own and tuple(value.shape) != tuple(own[name].shape):
            problems.append(f"'{name}' has shape {list(value.shape)}, the model's is {list(own[name].shape)}")
        elif name in own and not value.is_floating_point():
            problems.append(f"'{name}' holds integers ({value.dtype}), expected floats")
    if problems:
        raise CheckpointError(f"{where}: refused, nothing was loaded.\n  " + "\n  ".join(problems))
    return {k: tensors[k] for k in own}


def _decode(name, data):
    try:
        return decode_safetensors(data)
    except SafetensorsError as error:
        raise CheckpointError(f"checkpoint: {name}: {error}") from None


def load_model(files, limits=None):
    """A new model from checkpoint files {name: bytes}, and the app's `extra`. The manifest,
    checksums, config (against `limits`) and weights are checked before anything is built."""
    manifest, config, weights = _open(files, limits)
    tensors = _decode("weights.safetensors", weights)
    model = Seq2Seq(config)
    model.load_state_dict(checked_state_dict(model, tensors), strict=True)
    return model, manifest["extra"]


def load_weights(model, files, limits=None):
    """Loads a checkpoint's weights into `model`, refusing (naming the fields) one made for
    another configuration; on any refusal the model is unchanged. Returns `extra`."""
    manifest, config, weights = _open(files, limits)
    differences = config_differences(config, model.config)
    if differences:
        raise CheckpointError("checkpoint: made for a different model configuration (checkpoint → model):\n  "
                              + "\n  ".join(differences))
    state = checked_state_dict(model, _decode("weights.safetensors", weights))
    with torch.no_grad():
        for name, value in model.state_dict().items():
            value.copy_(state[name])
    return manifest["extra"]


def training_files(model, optimizer, record, extra=None):
    """A training checkpoint: the model files plus Adam's moments and `record` (JSON: the step,
    the options), all listed in the manifest. `optimizer` is a torch.optim.Adam over `model`."""
    names = {id(p): n for n, p in model.named_parameters()}
    moments = {}
    for group in optimizer.param_groups:
        for p in group["params"]:
            state = optimizer.state.get(p)
            if state:
                moments[f"m.{names[id(p)]}"] = state["exp_avg"].detach().float().cpu()
                moments[f"v.{names[id(p)]}"] = state["exp_avg_sq"].detach().float().cpu()
    more = {
        "torch-optimizer.safetensors": encode_safetensors(moments),
        "torch-training.json": (json.dumps(record, indent=2) + "\n").encode("utf-8"),
    }
    return model_files(model, extra, more)


def load_training(files, limits=None):
    """(model, moments {m.<name>, v.<name>: tensor}, record, extra) of a training checkpoint."""
    manifest, config, weights = _open(files, limits)
    for name in TRAINING_FILES:
        if name not in manifest["files"]:
            raise CheckpointError(f"checkpoint: not a training checkpoint of the PyTorch twin (config.json lists no {name})")
    try:
        record = json.loads(files["torch-training.json"].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"checkpoint: torch-training.json is not valid JSON ({error})") from None
    if not isinstance(record, dict) or not isinstance(record.get("step"), int) or record["step"] < 0:
        raise CheckpointError("checkpoint: torch-training.json must hold a non-negative integer \"step\"")
    model = Seq2Seq(config)
    model.load_state_dict(checked_state_dict(model, _decode("weights.safetensors", weights)), strict=True)
    moments = _decode("torch-optimizer.safetensors", files["torch-optimizer.safetensors"])
    shapes = {n: tuple(p.shape) for n, p in model.named_parameters()}
    for key, value in moments.items():
        kind, _, name = key.partition(".")
        if kind not in ("m", "v") or name not in shapes:
            raise CheckpointError(f"checkpoint: torch-optimizer.safetensors holds '{key}', expected m.<parameter> or v.<parameter>")
        if tuple(value.shape) != shapes[name]:
            raise CheckpointError(f"checkpoint: torch-optimizer.safetensors: '{key}' has shape {list(value.shape)}, the parameter {list(shapes[name])}")
    unpaired = sorted({k[2:] for k in moments if k.startswith("m.")} ^ {k[2:] for k in moments if k.startswith("v.")})
    if unpaired:
        raise CheckpointError(f"checkpoint: torch-optimizer.safetensors has m or v without the other for {', '.join(unpaired)}")
    return model, moments, record, manifest["extra"]


def restore_adam(model, optimizer, moments, step):
    """Puts saved moments into a fresh torch.optim.Adam over `model`, at `step` updates."""
    for name, p in model.named_parameters():
        if f"m.{name}" in moments:
            optimizer.state[p] = {
                "step": torch.tensor(float(step)),
                "exp_avg": moments[f"m.{name}"].to(p.device).clone(),
                "exp_avg_sq": moments[f"v.{name}"].to(p.device).clone(),
            }
