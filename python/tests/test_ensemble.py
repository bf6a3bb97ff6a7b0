"""`ensemble_greedy_decode`: one member is greedy decoding; several follow the mean of their
log-probabilities; members that disagree on the vocabulary are refused."""
import unittest

import torch

from gated_torch import Seq2Seq, greedy_decode
from gated_torch.ensemble import ensemble_greedy_decode
from gated_torch.seq2seq import make_source_batch

CONFIG = {"sourceVocabSize": 9, "targetVocabSize": 7, "bosId": 1, "eosId": 2, "padId": 0, "cell": "lstm",
          "embeddingSize": 3, "hiddenSize": 6, "attention": "bahdanau"}
SOURCES = [[4, 5, 6], [7, 8], [3, 4, 5, 6, 7]]


def model(seed, **overrides):
    torch.manual_seed(seed)
    return Seq2Seq({**CONFIG, **overrides})


class EnsembleTest(unittest.TestCase):
    def test_one_member_decodes_as_greedy_decoding(self):
        single = model(3)
        expected = greedy_decode(single, SOURCES, max_length=6)
        got = ensemble_greedy_decode([single], SOURCES, max_length=6)
        self.assertEqual([h["tokens"] for h in got], [h["tokens"] for h in expected])
        for g, e in zip(got, expected):
            self.assertAlmostEqual(g["score"], e["score"], places=5)

    def test_members_follow_the_mean_of_their_log_probabilities(self):
        members = [model(3), model(5, hiddenSize=8)]  # the sizes may differ, the vocabulary not
        got = ensemble_greedy_decode(members, SOURCES, max_length=4)
        # replay the first two steps by hand
        for m in members:
            m.eval()
        with torch.no_grad():
            encoded = [m.encode(make_source_batch(m.config, SOURCES, "test")) for m in members]
            previous = torch.full((len(SOURCES),), CONFIG["bosId"], dtype=torch.long)
            states = [state for _, state in encoded]
            checked = 0
            for t in range(2):
                steps = [m.step(previous, states[i], encoded[i][0]) for i, m in enumerate(members)]
                states = [s for _, s, _ in steps]
                mean = sum(torch.log_softmax(logits, -1) for logits, _, _ in steps) / 2
                best = mean.argmax(-1)
                for b, hyp in enumerate(got):
                    if len(hyp["tokens"]) > t:
                        self.assertEqual(hyp["tokens"][t], best[b].item())
                        checked += 1
                previous = best
        self.assertGreaterEqual(checked, 4)
        singles = [[h["tokens"] for h in greedy_decode(m, SOURCES, max_length=4)] for m in members]
        self.assertNotEqual(singles[0], singles[1])  # the members disagree, so the mean decides

    def test_another_vocabulary_or_a_bad_length_is_refused(self):
        with self.assertRaisesRegex(ValueError, r"model 1 differs from model 0 in targetVocabSize \(8 vs 7\)"):
            ensemble_greedy_decode([model(3), model(5, targetVocabSize=8)], SOURCES)
        with self.assertRaisesRegex(ValueError, r"sourceVocabSize \(10 vs 9\)"):
            ensemble_greedy_decode([model(3), model(5, sourceVocabSize=10)], SOURCES)
        with self.assertRaisesRegex(ValueError, r"maxLength must be a positive integer, got -1"):
            ensemble_greedy_decode([model(3)], SOURCES, max_length=-1)
