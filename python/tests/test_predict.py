"""predict.py, the twin's `bench predict`: a checkpoint that is not a text model is refused by
name, before any decoding."""
import unittest

import torch

import helpers  # noqa: F401 (puts python/ on the path)
from gated_torch import Seq2Seq
from predict import predict

CONFIG = {"sourceVocabSize": 9, "targetVocabSize": 11, "bosId": 1, "eosId": 2, "padId": 0,
          "embeddingSize": 3, "hiddenSize": 4, "cell": "gru", "attention": "none"}


class PredictTest(unittest.TestCase):
    def test_a_checkpoint_without_vocabularies_is_refused_naming_them(self):
        torch.manual_seed(3)
        model = Seq2Seq(CONFIG)
        with self.assertRaises(ValueError) as caught:
            predict(model, {"note": "x"}, ["abc"])
        self.assertIn("not a text model checkpoint: its extra lacks sourceVocab, targetVocab, "
                      "sourceTokenizer, targetTokenizer (train_g2p.py writes them), got keys ['note']",
                      str(caught.exception))
        extra = {"sourceVocab": {}, "targetVocab": {}, "sourceTokenizer": "bpe", "targetTokenizer": "symbols"}
        with self.assertRaises(ValueError) as caught:
            predict(model, extra, ["abc"])
        self.assertIn("sourceTokenizer must be one of characters, symbols, got 'bpe'", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
