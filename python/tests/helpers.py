"""Shared by the twin's tests: paths of the fixtures, and the comparison of two outputs."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.path.join(HERE, "..")
ROOT = os.path.join(PYTHON, "..")
sys.path.insert(0, PYTHON)
sys.path.insert(0, os.path.join(PYTHON, "scripts"))

GATED_TRAINED = os.path.join(HERE, "fixtures", "gated-trained")
TORCH_BUILT = os.path.join(ROOT, "packages", "seq2seq", "test", "fixtures", "torch-twin")
LOGIT_TOLERANCE = 1e-5  # the bar
SCORE_TOLERANCE = 1e-4  # sums of log-probabilities over steps


def cases(folder):
    return sorted(os.listdir(folder))


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def assert_same_outputs(test, ours, theirs):
    """Same logits (≤ 1e-5), greedy and beam tokens; scores within 1e-4; returns the worst logit gap."""
    test.assertEqual(ours["logits"]["shape"], theirs["logits"]["shape"])
    worst = max(abs(a - b) for a, b in zip(ours["logits"]["values"], theirs["logits"]["values"]))
    test.assertLess(worst, LOGIT_TOLERANCE)
    pairs = list(zip(ours["greedy"], theirs["greedy"]))
    test.assertEqual(len(ours["beam"]), len(theirs["beam"]))
    for mine, other in zip(ours["beam"], theirs["beam"]):
        test.assertEqual(len(mine), len(other))
        pairs += list(zip(mine, other))
    for mine, other in pairs:
        test.assertEqual(mine["tokens"], other["tokens"])
        test.assertLess(abs(mine["score"] - other["score"]), SCORE_TOLERANCE)
        if other.get("attention") is None:
            test.assertIsNone(mine["attention"])
        else:
            flat = [(a, b) for ra, rb in zip(mine["attention"], other["attention"]) for a, b in zip(ra, rb)]
            test.assertEqual(len(mine["attention"]), len(other["attention"]))
            test.assertLess(max(abs(a - b) for a, b in flat), LOGIT_TOLERANCE)
    return worst
