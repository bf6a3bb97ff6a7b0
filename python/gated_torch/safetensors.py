"""A small safetensors reader and writer (no `safetensors` package needed), checked as strictly
as `@gated/cells` checks it: 8-byte little-endian header length N, N bytes of JSON
{name: {dtype, shape, data_offsets}, __metadata__?}, then the data, no gaps, no overlaps."""
import json
import struct

import torch

_DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2),
           "I32": (torch.int32, 4), "I64": (torch.int64, 8)}
_WRITTEN = {torch.float32: "F32", torch.int32: "I32", torch.int64: "I64"}
MAX_HEADER_BYTES = 100 * 1024 * 1024


class SafetensorsError(ValueError):
    """A file that is not a safetensors file this reader accepts; the message says why."""


def _refuse(message):
    raise SafetensorsError(f"safetensors: {message}")


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            _refuse(f"header names '{key[:64]}' twice")
        seen[key] = value
    return seen


def read_header(data):
    """(entries {name: (dtype, shape, begin, end)} in file order, metadata, data start)."""
    if len(data) < 8:
        _refuse(f"file is truncated: {len(data)} bytes, the 8-byte header length is missing")
    (length,) = struct.unpack("<Q", data[:8])
    if length > MAX_HEADER_BYTES:
        _refuse(f"header length {length} exceeds the format's limit of {MAX_HEADER_BYTES} bytes")
    if length > len(data) - 8:
        _refuse(f"header length {length} runs past the end of the file ({len(data) - 8} bytes follow)")
    try:
        header = json.loads(bytes(data[8:8 + length]).decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        _refuse("header is not valid UTF-8")
    except json.JSONDecodeError as error:
        _refuse(f"header is not valid JSON ({error})")
    if not isinstance(header, dict):
        _refuse("header must be a JSON object")
    start, size = 8 + length, len(data) - 8 - length
    metadata, entries = {}, {}
    for name, entry in header.items():
        if name == "__metadata__":
            if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
                _refuse("__metadata__ must be an object of strings")
            metadata = entry
            continue
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            _refuse(f"tensor '{name[:64]}' must be {{dtype, shape, data_offsets}}, got {json.dumps(entry)[:200]}")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in _DTYPES:
            _refuse(f"tensor '{name[:64]}' has dtype {dtype!r}; supported: {', '.join(_DTYPES)}")
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            _refuse(f"tensor '{name[:64]}' has shape {shape!r}, expected a list of non-negative integers")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
                or not 0 <= offsets[0] <= offsets[1] <= size):
            _refuse(f"tensor '{name[:64]}' has data_offsets {offsets!r} outside the {size} data bytes")
        count = 1
        for d in shape:
            count *= d
        if offsets[1] - offsets[0] != count * _DTYPES[dtype][1]:
            _refuse(f"tensor '{name[:64]}' ({dtype}, shape {shape}) needs {count * _DTYPES[dtype][1]} bytes, "
                    f"its offsets give {offsets[1] - offsets[0]}")
        entries[name] = (dtype, shape, offsets[0], offsets[1])
    position = 0
    for name, (_, _, begin, end) in sorted(entries.items(), key=lambda e: (e[1][2], e[1][3])):
        if begin != position:
            _refuse(f"tensor '{name[:64]}' starts at {begin}, expected {position} (a gap or an overlap)")
        position = end
    if position != size:
        _refuse(f"the tensors cover {position} of the {size} data bytes")
    return entries, metadata, start


def decode_safetensors(data):
    """bytes → {name: tensor}: F32/F16/BF16 as float32, I32/I64 as int64. Refuses the file,
    before making any tensor, when anything is malformed."""
    entries, _, start = read_header(data)
    out = {}
    for name, (dtype, shape, begin, end) in entries.items():
        torch_dtype = _DTYPES[dtype][0]
        raw = bytearray(data[start + begin:start + end])
        flat = torch.frombuffer(raw, dtype=torch_dtype) if raw else torch.empty(0, dtype=torch_dtype)
        wanted = torch.int64 if dtype in ("I32", "I64") else torch.float32
        out[name] = flat.to(wanted).reshape(shape)
    return out


def read_metadata(data):
    """The `__metadata__` strings of a safetensors file."""
    return read_header(data)[1]


def encode_safetensors(tensors, metadata=None):
    """{name: tensor} → bytes, names sorted (equal inputs give equal bytes), header padded with
    spaces to 8 bytes, as `@gated/cells`' `encodeSafetensors` writes. float32, int32, int64."""
    header, chunks, offset = {}, [], 0
    if metadata:
        if not all(isinstance(v, str) for v in metadata.values()):
            raise ValueError("encode_safetensors: metadata values must be strings")
        header["__metadata__"] = dict(metadata)
    for name in sorted(tensors):
        if name == "__metadata__":
            raise ValueError("encode_safetensors: a tensor cannot be named '__metadata__'")
        tensor = tensors[name].detach().cpu().contiguous()
        if tensor.dtype not in _WRITTEN:
            raise ValueError(f"encode_safetensors: '{name}' has dtype {tensor.dtype}; float32, int32 and int64 are written")
        raw = tensor.numpy().astype(tensor.numpy().dtype.newbyteorder("<"), copy=False).tobytes() \
            if tensor.numel() else b""
        header[name] = {"dtype": _WRITTEN[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)
