"""The Seq2Seq configuration, as `@gated/seq2seq` resolves and checks it (`config.ts`,
`config-limits.ts`): the same fields, the same defaults, the same refusals, so that one
`config.json` describes one model on both sides."""

CELLS = ("lstm", "gru", "rnn")
ATTENTIONS = ("none", "bahdanau", "luong-dot", "luong-general", "luong-concat")

# Every field a saved config has, and its kind (`FIELDS` in config-limits.ts).
FIELDS = {
    "sourceVocabSize": "integer",
    "targetVocabSize": "integer",
    "bosId": "integer",
    "eosId": "integer",
    "padId": "integer",
    "cell": "string",
    "embeddingSize": "integer",
    "hiddenSize": "integer",
    "encoderHiddenSize": "integer",
    "encoderLayers": "integer",
    "decoderLayers": "integer",
    "bidirectional": "boolean",
    "attention": "string",
    "dropout": "number",
    "reverseSource": "boolean",
    "tieEmbeddings": "boolean",
    "seed": "integer",
}

# The largest model a checkpoint may describe (CHECKPOINT_LIMITS in config-limits.ts).
LIMITS = {
    "maxLayers": 16,  # GNMT stacks 8 LSTM layers
    "maxWidth": 8192,  # the widest published LSTM (Jozefowicz et al. 2016)
    "maxVocabSize": 1_000_000,  # word-level NMT vocabularies stay below 500k
    "maxParameters": 2**28,  # 1 GiB as float32
}
_LIMITED = {
    "sourceVocabSize": "maxVocabSize",
    "targetVocabSize": "maxVocabSize",
    "embeddingSize": "maxWidth",
    "hiddenSize": "maxWidth",
    "encoderHiddenSize": "maxWidth",
    "encoderLayers": "maxLayers",
    "decoderLayers": "maxLayers",
}


class ConfigError(ValueError):
    """A configuration that cannot describe a model; the message names the field."""


def _is_integer(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def _show(value):
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value)


def resolve_config(config):
    """Fills in the defaults of a (partial) config and refuses configurations that cannot work.

    Defaults as in config.ts: cell 'lstm', embeddingSize 64, hiddenSize 128, encoderHiddenSize =
    hiddenSize, 1 encoder and 1 decoder layer, bidirectional, 'bahdanau', no dropout, no source
    reversal, untied embeddings, seed 0. Returns a new dict with every field of `FIELDS`.
    """
    where = "Seq2Seq config"
    if not isinstance(config, dict):
        raise ConfigError(f"{where}: expected an object, got {_show(config)}")
    unknown = [k for k in config if k not in FIELDS]
    if unknown:
        raise ConfigError(f"{where}: unknown field '{unknown[0]}'; expected only {', '.join(FIELDS)}")
    hidden = config.get("hiddenSize", 128)
    r = {
        "sourceVocabSize": config.get("sourceVocabSize"),
        "targetVocabSize": config.get("targetVocabSize"),
        "bosId": config.get("bosId"),
        "eosId": config.get("eosId"),
        "padId": config.get("padId"),
        "cell": config.get("cell", "lstm"),
        "embeddingSize": config.get("embeddingSize", 64),
        "hiddenSize": hidden,
        "encoderHiddenSize": config.get("encoderHiddenSize", hidden),
        "encoderLayers": config.get("encoderLayers", 1),
        "decoderLayers": config.get("decoderLayers", 1),
        "bidirectional": config.get("bidirectional", True),
        "attention": config.get("attention", "bahdanau"),
        "dropout": config.get("dropout", 0),
        "reverseSource": config.get("reverseSource", False),
        "tieEmbeddings": config.get("tieEmbeddings", False),
        "seed": config.get("seed", 0),
    }
    for name in ("sourceVocabSize", "targetVocabSize", "embeddingSize", "hiddenSize",
                 "encoderHiddenSize", "encoderLayers", "decoderLayers"):
        if not _is_integer(r[name]) or r[name] <= 0:
            raise ConfigError(f"{where}: {name} must be a positive integer, got {_show(r[name])}")
        r[name] = int(r[name])
    for name in ("bosId", "eosId", "padId"):
        value = r[name]
        if not _is_integer(value) or value < 0 or value >= r["targetVocabSize"]:
            raise ConfigError(
                f"{where}: {name} must be a target token id in [0, {r['targetVocabSize']}), got {_show(value)}")
        r[name] = int(value)
    if r["padId"] >= r["sourceVocabSize"]:
        raise ConfigError(
            f"{where}: padId {r['padId']} must also be a source token id (< {r['sourceVocabSize']})")
    if len({r["bosId"], r["eosId"], r["padId"]}) != 3:
        raise ConfigError(
            f"{where}: bosId, eosId and padId must differ, got {r['bosId']}, {r['eosId']}, {r['padId']}")
    if r["cell"] not in CELLS:
        raise ConfigError(f"{where}: cell must be 'lstm', 'gru' or 'rnn', got '{r['cell']}'")
    if r["attention"] not in ATTENTIONS:
        kinds = ", ".join(f"'{k}'" for k in ATTENTIONS)
        raise ConfigError(f"{where}: attention must be one of {kinds}, got '{r['attention']}'")
    for name in ("bidirectional", "reverseSource", "tieEmbeddings"):
        if not isinstance(r[name], bool):
            raise ConfigError(f"{where}: {name} must be true or false, got {_show(r[name])}")
    if r["bidirectional"] and r["encoderHiddenSize"] % 2 != 0:
        raise ConfigError(
            f"{where}: a bidirectional encoder splits encoderHiddenSize across two directions; "
            f"it must be even, got {r['encoderHiddenSize']}")
    if r["attention"] == "luong-dot" and r["encoderHiddenSize"] != r["hiddenSize"]:
        raise ConfigError(
            f"{where}: 'luong-dot' needs encoderHiddenSize = hiddenSize, got "
            f"{r['encoderHiddenSize']} and {r['hiddenSize']}; use 'luong-general'")
    dropout = r["dropout"]
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ConfigError(f"{where}: dropout must be a number in [0, 1), got {_show(dropout)}")
    if not _is_integer(r["seed"]):
        raise ConfigError(f"{where}: seed must be an integer, got {_show(r['seed'])}")
    r["seed"] = int(r["seed"])
    return r


def check_checkpoint_config(raw, limits=None):
    """A checkpoint's `config` as a resolved config: every field present, of its kind, within
    `limits`, and no more parameters than `limits['maxParameters']`; else a ConfigError naming it.
    """
    limits = {**LIMITS, **(limits or {})}
    if not isinstance(raw, dict):
        raise ConfigError(f"checkpoint: config must be an object, got {_show(raw)}")
    for name in raw:
        if name not in FIELDS:
            raise ConfigError(
                f"checkpoint: config has an unknown field '{name}' (a newer version's, or a typo); "
                f"expected only {', '.join(FIELDS)}")
    for name in FIELDS:
        if name not in raw:
            raise ConfigError(f"checkpoint: config.{name} is missing")
    for name, kind in FIELDS.items():
        value = raw[name]
        ok = {
            "integer": _is_integer(value),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "string": isinstance(value, str),
        }[kind]
        if not ok:
            article = "an integer" if kind == "integer" else f"a {kind}"
            raise ConfigError(f"checkpoint: config.{name} must be {article}, got {_show(value)}")
        limit = _LIMITED.get(name)
        if limit and value > limits[limit]:
            raise ConfigError(
                f"checkpoint: config.{name} must be at most {limits[limit]} (limits.{limit}), got {value}")
    resolved = resolve_config(raw)
    count = parameter_count(resolved)
    if count > limits["maxParameters"]:
        raise ConfigError(
            f"checkpoint: the config describes {count} parameters, more than the limit of "
            f"{limits['maxParameters']} (limits.maxParameters)")
    return resolved


_GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def _recurrent_parameters(cell, inputs, hidden, layers, directions):
    rows = _GATES[cell] * hidden
    total = 0
    for layer in range(layers):
        width = inputs if layer == 0 else hidden * directions
        total += directions * rows * (width + hidden + 2)
    return total


def parameter_count(c):
    """Scalar parameters of a model of resolved config `c`, counted without building it."""
    E, H, He, V = c["embeddingSize"], c["hiddenSize"], c["encoderHiddenSize"], c["targetVocabSize"]
    directions = 2 if c["bidirectional"] else 1
    encoder = c["sourceVocabSize"] * E + _recurrent_parameters(
        c["cell"], E, He // directions, c["encoderLayers"], directions)
    bridge = 0 if He == H else (He * H + H) * (2 if c["cell"] == "lstm" else 1)
    output = H * E + E + V if c["tieEmbeddings"] else H * V + V
    decoder_input, attention = E, 0
    if c["attention"] != "none":
        decoder_input += He if c["attention"] == "bahdanau" else H
        if c["attention"] in ("bahdanau", "luong-concat"):
            attention = H * H + He * H + H
        elif c["attention"] == "luong-general":
            attention = He * H
        attention += (H + He) * H
    decoder = V * E + _recurrent_parameters(c["cell"], decoder_input, H, c["decoderLayers"], 1)
    return encoder + bridge + decoder + attention + output


def config_differences(a, b):
    """`name: a → b` for each field (the seed aside) in which two resolved configs differ."""
    return [f"{k}: {a[k]!r} → {b[k]!r}" for k in FIELDS if k != "seed" and a[k] != b[k]]
