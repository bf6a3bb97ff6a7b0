"""gated_torch: the PyTorch twin of `@gated/seq2seq` — the same config, parameter names,
checkpoint format and decoding, so that a model trained here (with torch DDP, on GPUs) is
served by gated in Node or a browser, and a model trained there loads here."""
from .checkpoint import (load_model, load_training, load_weights, model_files, restore_adam,
                         training_files)
from .checkpoint_dir import read_checkpoint, write_checkpoint
from .config import ConfigError, check_checkpoint_config, parameter_count, resolve_config
from .decoding import beam_search, greedy_decode, length_penalty
from .manifest import CheckpointError, read_manifest
from .safetensors import SafetensorsError, decode_safetensors, encode_safetensors
from .seq2seq import Seq2Seq, make_source_batch, make_training_batch, masked_cross_entropy

__all__ = [
    "CheckpointError", "ConfigError", "SafetensorsError", "Seq2Seq", "beam_search",
    "check_checkpoint_config", "decode_safetensors", "encode_safetensors", "greedy_decode",
    "length_penalty", "load_model", "load_training", "load_weights", "make_source_batch",
    "make_training_batch", "masked_cross_entropy", "model_files", "parameter_count",
    "read_checkpoint", "read_manifest", "resolve_config", "restore_adam", "training_files",
    "write_checkpoint",
]
