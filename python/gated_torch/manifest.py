"""`config.json`, the manifest of a checkpoint (format 2, `checkpoint-manifest.ts`): the format
and its version, the config, the app's `extra`, every other file's size and CRC-32, and a
checksum over all of that. JSON is written as JavaScript's `JSON.stringify` writes it, numbers
included, so that the canonical text — and so the checksum — is the same on both sides."""
import json
import math
import zlib

FORMAT = "gated-seq2seq"
VERSION = 2
MAX_DEPTH = 64


class CheckpointError(ValueError):
    """A checkpoint refused; the message names the file or field and what was wrong."""


def js_number(value):
    """A number as JavaScript's Number.prototype.toString writes it (ECMA-262 §6.1.6.1.20)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int) and abs(value) < 2**53:
        return str(value)
    value = float(value)
    if not math.isfinite(value):
        return "null"  # as JSON.stringify writes NaN and ±Infinity
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")  # shortest round-trip digits
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + (int(exponent) if exponent else 0)  # value = 0.digits… × 10^point
    point -= len(whole + fraction) - len((whole + fraction).lstrip("0"))
    digits = digits.rstrip("0") or "0"
    k, n = len(digits), point
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + text


def _string(text):
    return json.dumps(text, ensure_ascii=False)  # escapes exactly ", \ and controls, as JSON.stringify


def _utf16_key(text):
    return text.encode("utf-16-be")  # JavaScript sorts strings by UTF-16 code units


def canonical_json(value, depth=0):
    """JSON text with object keys sorted and no whitespace: equal values give equal text."""
    if depth > MAX_DEPTH:
        raise CheckpointError(f"checkpoint: config.json nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=_utf16_key)
        return "{" + ",".join(f"{_string(k)}:{canonical_json(value[k], depth + 1)}" for k in keys) + "}"
    return _scalar(value)


def _scalar(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (int, float)):
        return js_number(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def pretty_json(value, indent=""):
    """`JSON.stringify(value, null, 2)`: keys in their order, two-space indentation."""
    inner = indent + "  "
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + pretty_json(v, inner) for v in value) + "\n" + indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        fields = (f"{inner}{_string(k)}: {pretty_json(v, inner)}" for k, v in value.items())
        return "{\n" + ",\n".join(fields) + "\n" + indent + "}"
    return _scalar(value)


def crc32(data):
    """CRC-32 (IEEE 802.3, as zlib and `crc32.ts`)."""
    return zlib.crc32(data) & 0xFFFFFFFF


def manifest_checksum(body):
    return f"crc32:{crc32(canonical_json(body).encode('utf-8')):08x}"


def _plain(value):
    """What JSON.parse(JSON.stringify(value)) gives: non-finite floats become null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def encode_manifest(config, extra, files):
    """`config.json` bytes for a checkpoint of `files` {name: bytes} (not including it)."""
    body = _plain({
        "format": FORMAT,
        "formatVersion": VERSION,
        "config": config,
        "extra": extra,
        "files": {name: {"bytes": len(data), "crc32": crc32(data)} for name, data in files.items()},
    })
    manifest = {**body, "checksum": manifest_checksum(body)}
    return (pretty_json(manifest) + "\n").encode("utf-8")


def _is_count(value, below=None):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0 and (below is None or value < below)


def _not_json(constant):
    raise ValueError(f"{constant} is not JSON")  # Python's json accepts NaN and Infinity; JSON.parse does not


def read_manifest(files):
    """Parses `config.json`, checks its checksum and every file it lists (size and CRC-32).
    Returns the manifest dict; raises CheckpointError naming what is wrong."""
    raw = files.get("config.json")
    if raw is None:
        found = ", ".join(sorted(files)) or "nothing"
        raise CheckpointError(f"checkpoint: config.json is missing (found: {found})")
    try:
        manifest = json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError) as error:
        raise CheckpointError(
            f"checkpoint: config.json is not valid JSON ({error}); the file is corrupted or truncated") from None
    format_name = manifest.get("format") if isinstance(manifest, dict) else None
    if format_name != FORMAT:
        raise CheckpointError(f"checkpoint: config.json is not a {FORMAT} checkpoint (format: {json.dumps(format_name)})")
    version = manifest.get("formatVersion")
    if version != VERSION or isinstance(version, bool):
        raise CheckpointError(
            f"checkpoint: format version {json.dumps(version)} is not supported (this version reads {VERSION})")
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    checksum = manifest.get("checksum")
    if not isinstance(checksum, str) or len(checksum) != 14 or not checksum.startswith("crc32:") \
            or any(ch not in "0123456789abcdef" for ch in checksum[6:]):
        raise CheckpointError(
            f"checkpoint: config.json has no valid checksum (expected \"checksum\": \"crc32:<8 hex digits>\", "
            f"got {json.dumps(checksum)}); it was damaged or edited")
    computed = manifest_checksum(body)
    if computed != checksum:
        raise CheckpointError(
            f"checkpoint: config.json does not match its checksum (it says {checksum}, its content gives "
            f"{computed}): the config, extra or file list changed after saving")
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        raise CheckpointError(f"checkpoint: config.json must list the checkpoint's files, got {json.dumps(listed)}")
    if "weights.safetensors" not in listed:
        raise CheckpointError("checkpoint: config.json does not list weights.safetensors")
    for name, entry in listed.items():
        if not isinstance(entry, dict) or not _is_count(entry.get("bytes")) or not _is_count(entry.get("crc32"), 2**32):
            raise CheckpointError(f"checkpoint: config.json's entry for {name} must be {{ bytes, crc32 }}, got {json.dumps(entry)}")
        data = files.get(name)
        if name == "config.json" or data is None:
            raise CheckpointError(f"checkpoint: {name} is missing")
        if len(data) != entry["bytes"]:
            raise CheckpointError(f"checkpoint: {name} has {len(data)} bytes, config.json says {entry['bytes']} (truncated?)")
        if crc32(data) != entry["crc32"]:
            raise CheckpointError(f"checkpoint: {name} does not match its checksum (corrupted)")
    return manifest
