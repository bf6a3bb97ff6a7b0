"""Decoding's rules, on a model built here: beam size 1 is greedy decoding, the length penalty,
the length limit (EOS forced there), and arguments checked before anything runs."""
import unittest

import torch

import helpers  # noqa: F401 (puts python/ on the path)
from gated_torch import Seq2Seq, beam_search, greedy_decode, length_penalty

CONFIG = {"sourceVocabSize": 9, "targetVocabSize": 11, "bosId": 1, "eosId": 2, "padId": 0,
          "embeddingSize": 5, "hiddenSize": 6, "cell": "lstm", "attention": "luong-concat", "reverseSource": True}
SOURCES = [[3, 4, 5, 6], [7], [8, 3, 5]]


class DecodingTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(11)
        self.model = Seq2Seq(CONFIG)
        with torch.no_grad():
            for p in self.model.parameters():
                p.normal_(0, 0.7)

    def test_beam_size_one_is_greedy_decoding(self):
        greedy = greedy_decode(self.model, SOURCES, max_length=7)
        beam = beam_search(self.model, SOURCES, beam_size=1, alpha=0, max_length=7)
        self.assertEqual([h["tokens"] for h in greedy], [b[0]["tokens"] for b in beam])
        for g, (b,), source in zip(greedy, beam, SOURCES):
            self.assertAlmostEqual(g["score"], b["score"], places=5)
            self.assertEqual(len(g["attention"]), len(g["tokens"]) + 1)  # a row per step, EOS included
            self.assertTrue(all(len(row) == len(source) for row in g["attention"]))

    def test_the_length_limit_forces_eos(self):
        for hypothesis in greedy_decode(self.model, SOURCES, max_length=2):
            self.assertLessEqual(len(hypothesis["tokens"]), 2)

    def test_beams_are_sorted_and_scored_with_the_length_penalty(self):
        self.assertEqual(length_penalty(7, 0), 1)
        self.assertAlmostEqual(length_penalty(7, 1), 2.0)
        results = beam_search(self.model, SOURCES, beam_size=4, alpha=1, n_best=4, max_length=5)
        for hyps in results:
            scores = [h["score"] for h in hyps]
            self.assertEqual(scores, sorted(scores, reverse=True))
            self.assertEqual(len(hyps), 4)

    def test_arguments_are_checked_naming_them(self):
        for call, fragment in [
            (lambda: greedy_decode(self.model, SOURCES, max_length=0), "maxLength must be a positive integer"),
            (lambda: beam_search(self.model, SOURCES, beam_size=0), "beamSize must be an integer in [1, 1000]"),
            (lambda: beam_search(self.model, SOURCES, beam_size=2, n_best=3), "nBest must be an integer in [1, 2]"),
            (lambda: beam_search(self.model, SOURCES, alpha=-1), "alpha must be ≥ 0"),
            (lambda: greedy_decode(self.model, [[3, 99]]), "sources[0] holds 99, expected token ids in [0, 9)"),
            (lambda: greedy_decode(self.model, [[]]), "sources[0] is empty"),
        ]:
            with self.subTest(fragment):
                with self.assertRaises(ValueError) as caught:
                    call()
                self.assertIn(fragment, str(caught.exception))
        self.assertTrue(self.model.training)  # a refused call leaves the mode as it was


if __name__ == "__main__":
    unittest.main()
