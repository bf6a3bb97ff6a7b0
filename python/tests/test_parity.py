"""Parity with gated, both directions, from committed fixtures (no Node needed):
- models trained by gated (`packages/seq2seq/test/make-gated-twin-fixtures.ts`) load in the twin
  and give gated's teacher-forced logits (≤ 1e-5), greedy and beam outputs;
- the PyTorch-built fixtures gated's test reads (`python/scripts/make_fixtures.py`) are still what
  the twin computes, so that gated's side is checked against the twin as it is now."""
import os
import unittest

import torch

from helpers import GATED_TRAINED, TORCH_BUILT, assert_same_outputs, cases, read_json
from gated_torch import load_model, read_checkpoint
from twin_outputs import twin_outputs


class ParityTest(unittest.TestCase):
    def check(self, folder):
        names = cases(folder)
        self.assertGreaterEqual(len(names), 5)
        for name in names:
            with self.subTest(name):
                expected = read_json(os.path.join(folder, name, "expected.json"))
                model, _ = load_model(read_checkpoint(os.path.join(folder, name, "checkpoint")))
                assert_same_outputs(self, twin_outputs(model, expected["request"]), expected)

    def test_models_trained_by_gated_match_in_the_twin(self):
        self.check(GATED_TRAINED)

    def test_the_torch_built_fixtures_are_what_the_twin_computes(self):
        self.check(TORCH_BUILT)

    def test_the_fixtures_cover_every_cell_and_attention_kind(self):
        configs = [load_model(read_checkpoint(os.path.join(folder, name, "checkpoint")))[0].config
                   for folder in (GATED_TRAINED, TORCH_BUILT) for name in cases(folder)]
        self.assertEqual({c["cell"] for c in configs}, {"lstm", "gru", "rnn"})
        self.assertEqual({c["attention"] for c in configs},
                         {"none", "bahdanau", "luong-dot", "luong-general", "luong-concat"})
        for key in ("bidirectional", "reverseSource", "tieEmbeddings"):
            self.assertEqual({c[key] for c in configs}, {True, False}, key)


if __name__ == "__main__":
    torch.set_num_threads(1)
    unittest.main()
