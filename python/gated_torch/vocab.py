"""Vocabularies and tokenizers as `@gated/datasets` makes them (`vocab.ts`, `tokenizers.ts`), so
that a checkpoint's `extra` holds vocabularies the apps read: ids 0–3 are `<pad>`, `<bos>`,
`<eos>`, `<unk>`, the rest ordered by frequency, then by code unit."""
from collections import Counter

SPECIAL_TOKENS = ("<pad>", "<bos>", "<eos>", "<unk>")
PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3


def characters(text):
    """One token per code point, as `characterTokenizer`."""
    return list(text)


def symbols(text):
    """Space-separated symbols (ARPAbet phonemes), as `symbolTokenizer`."""
    return [t for t in text.split(" ") if t]


class Vocab:
    def __init__(self, tokens):
        if tuple(tokens[:4]) != SPECIAL_TOKENS or len(set(tokens)) != len(tokens):
            raise ValueError(f"Vocab: tokens must start with {', '.join(SPECIAL_TOKENS)} and not repeat")
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(tokens)}

    @classmethod
    def build(cls, sequences):
        """Every token of `sequences`, most frequent first, ties by UTF-16 code units (as JavaScript sorts)."""
        counts = Counter(t for s in sequences for t in s)
        for special in SPECIAL_TOKENS:
            counts.pop(special, None)
        kept = sorted(counts, key=lambda t: (-counts[t], t.encode("utf-16-be")))
        return cls(list(SPECIAL_TOKENS) + kept)

    @classmethod
    def from_json(cls, json):
        if not isinstance(json, dict) or json.get("format") != "gated-vocab" or json.get("version") != 1:
            raise ValueError(f"Vocab.from_json: expected {{format: 'gated-vocab', version: 1, tokens}}, got {json!r:.80}")
        return cls(json["tokens"])

    def to_json(self):
        return {"format": "gated-vocab", "version": 1, "tokens": list(self.tokens)}

    def __len__(self):
        return len(self.tokens)

    def encode(self, tokens):
        return [self.ids.get(t, UNK_ID) for t in tokens]

    def decode(self, ids):
        """Tokens of `ids`, stopping at `<eos>`, dropping `<pad>` and `<bos>` (as `Vocab.decode`)."""
        out = []
        for i in ids:
            if i == EOS_ID:
                break
            if i not in (PAD_ID, BOS_ID):
                out.append(self.tokens[i])
        return out
