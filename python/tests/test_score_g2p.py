"""`score_g2p.py`: WER/PER as the bench scores them (any reference; stress stripped from both
sides), the split read with each word's pronunciations together, and the command line."""
import os
import subprocess
import sys
import tempfile
import unittest

from helpers import PYTHON


def import_score():
    if PYTHON not in sys.path:
        sys.path.insert(0, PYTHON)
    import score_g2p
    return score_g2p


class ScoreG2PTest(unittest.TestCase):
    def test_scores_with_and_without_stress_against_the_closest_reference(self):
        score = import_score()
        predictions = [["K", "AE1", "B"], ["B", "IY1", "D"], ["D", "AH0", "B"]]
        references = [[["K", "AE1", "B"]], [["B", "IY0", "D"]], [["D", "AE1", "B"], ["D", "AH1", "B", "Z"]]]
        scores = score.score_both(predictions, references)
        # with stress: two words wrong, each one substitution from a 3-phoneme reference
        self.assertAlmostEqual(scores["withStress"]["wer"], 2 / 3)
        self.assertAlmostEqual(scores["withStress"]["per"], 2 / 9)
        # without: only D AH B is wrong, 1 from both references; the tie takes the longer (4)
        self.assertAlmostEqual(scores["withoutStress"]["wer"], 1 / 3)
        self.assertAlmostEqual(scores["withoutStress"]["per"], 1 / 10)
        with self.assertRaisesRegex(ValueError, r"one prediction per word \(3\), got 2"):
            score.score(predictions[:2], references)

    def test_an_ensemble_of_other_vocabularies_is_refused_naming_how(self):
        score = import_score()
        special = ["<pad>", "<bos>", "<eos>", "<unk>"]
        vocab = lambda tokens: {"format": "gated-vocab", "version": 1, "tokens": special + tokens}  # noqa: E731
        extra = {"sourceVocab": vocab(["a", "b"]), "targetVocab": vocab(["AE1"]),
                 "sourceTokenizer": "characters", "targetTokenizer": "symbols"}
        other = {**extra, "targetVocab": vocab(["AH0", "B"])}
        with self.assertRaises(SystemExit) as caught:
            score.check_same_vocabularies([(None, extra), (None, other)])
        self.assertEqual(str(caught.exception.code), "score_g2p: model 2's targetVocab differs from the first "
                         "model's: 6 tokens against 5, first difference at id 4; an ensemble needs the same")
        score.check_same_vocabularies([(None, extra), (None, dict(extra))])  # the same: accepted

    def test_a_split_keeps_every_pronunciation_of_a_word_once(self):
        score = import_score()
        with tempfile.TemporaryDirectory() as scratch:
            path = os.path.join(scratch, "g2p.tsv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("dev\tread\tR IY1 D\ntrain\tcab\tK AE1 B\ndev\tace\tEY1 S\ndev\tread\tR EH1 D\n"
                        "dev\tread\tR IY1 D\n")
            self.assertEqual(score.read_split(path, "dev"),
                             [("read", [["R", "IY1", "D"], ["R", "EH1", "D"]]), ("ace", [["EY1", "S"]])])
            with open(path, "a", encoding="utf-8") as f:
                f.write("val\tbee\tB IY1\n")
            with self.assertRaises(SystemExit) as caught:
                score.read_split(path, "dev")
            self.assertIn("g2p.tsv:6: expected split<TAB>word<TAB>phonemes", str(caught.exception.code))

    def test_the_command_scores_what_the_twin_predicts(self):
        score = import_score()
        words = [("abbey", "AE1 B IY0"), ("cab", "K AE1 B"), ("bead", "B IY1 D"), ("dab", "D AE1 B"),
                 ("ace", "EY1 S"), ("bed", "B EH1 D")]
        with tempfile.TemporaryDirectory() as scratch:
            data = os.path.join(scratch, "g2p.tsv")
            with open(data, "w", encoding="utf-8") as f:
                f.writelines(f"{'dev' if i < 3 else 'train'}\t{w}\t{p}\n" for i, (w, p) in enumerate(words))
                f.writelines(f"train\t{w}\t{p}\n" for w, p in words[:3])
            out = os.path.join(scratch, "run")
            env = {**os.environ, "OMP_NUM_THREADS": "1"}
            subprocess.run([sys.executable, os.path.join(PYTHON, "train_g2p.py"), "--data", data, "--out", out,
                            "--batch-size", "2", "--embedding-size", "3", "--hidden-size", "4", "--steps", "3"],
                           env=env, capture_output=True, text=True, timeout=300, check=True)
            printed = subprocess.run([sys.executable, os.path.join(PYTHON, "score_g2p.py"), "--model",
                                      os.path.join(out, "model"), "--data", data],
                                     env=env, capture_output=True, text=True, timeout=300, check=True).stdout
            from gated_torch import load_model, read_checkpoint
            from predict import predict
            model, extra = load_model(read_checkpoint(os.path.join(out, "model")))
            predictions = [o.split() for o in predict(model, extra, [w for w, _ in words[:3]])]
            s = score.score_both(predictions, [[p.split()] for _, p in words[:3]])
            w, wo = s["withStress"], s["withoutStress"]
            self.assertEqual(printed.strip(),
                             f"dev: 3 words, greedy: WER {100 * w['wer']:.2f}% / PER {100 * w['per']:.2f}% with "
                             f"stress, WER {100 * wo['wer']:.2f}% / PER {100 * wo['per']:.2f}% without")
            # a model twice is an ensemble that averages a model with itself: the same words
            command = [sys.executable, os.path.join(PYTHON, "score_g2p.py"), "--model", os.path.join(out, "model"),
                       "--model", os.path.join(out, "model"), "--data", data]
            twice = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=True).stdout
            self.assertEqual(twice.strip(), printed.strip().replace("greedy:", "greedy ensemble of 2:"))
            refused = subprocess.run([*command, "--beam", "5"], env=env, capture_output=True, text=True, timeout=300)
            self.assertEqual(refused.returncode, 2)
            self.assertIn("an ensemble of 2 models decodes greedily; --beam 5 is for one model", refused.stderr)
