"""`average_checkpoints.py`: the mean of every parameter, the first input's extra, and refusals
that write nothing."""
import os
import subprocess
import sys
import tempfile
import unittest

import torch

from helpers import PYTHON
from gated_torch import CheckpointError, Seq2Seq, load_model, model_files, read_checkpoint, write_checkpoint

CONFIG = {"sourceVocabSize": 7, "targetVocabSize": 5, "bosId": 1, "eosId": 2, "padId": 0, "cell": "lstm",
          "embeddingSize": 3, "hiddenSize": 6, "attention": "bahdanau"}


def import_average():
    if PYTHON not in sys.path:
        sys.path.insert(0, PYTHON)
    import average_checkpoints
    return average_checkpoints


def save(folder, seed, extra=None, **overrides):
    torch.manual_seed(seed)
    model = Seq2Seq({**CONFIG, **overrides})
    write_checkpoint(folder, model_files(model, {"task": "g2p", "seed": seed, **(extra or {})}))
    return model.state_dict()


class AverageCheckpointsTest(unittest.TestCase):
    def test_every_parameter_is_the_mean_and_extra_comes_from_the_first(self):
        with tempfile.TemporaryDirectory() as scratch:
            states = [save(os.path.join(scratch, f"step-{i}"), seed) for i, seed in enumerate((3, 5, 11))]
            out = os.path.join(scratch, "average")
            script = os.path.join(PYTHON, "average_checkpoints.py")
            inputs = [os.path.join(scratch, f"step-{i}") for i in range(3)]
            printed = subprocess.run([sys.executable, script, "--out", out, *inputs], capture_output=True,
                                     text=True, timeout=120, check=True).stdout
            self.assertIn("averaged 3 checkpoints", printed)
            model, extra = load_model(read_checkpoint(out))
            self.assertEqual(extra, {"task": "g2p", "seed": 3, "averagedFrom": ["step-0", "step-1", "step-2"]})
            for name, value in model.state_dict().items():
                expected = (states[0][name] + states[1][name] + states[2][name]) / 3
                self.assertLess((value - expected).abs().max().item(), 1e-7, name)
            # Not a copy of any input: the seeds differ, so the mean differs from each.
            weight = "encoder.embedding.weight"
            self.assertGreater((model.state_dict()[weight] - states[0][weight]).abs().max().item(), 1e-3)

    def test_the_average_counts_the_training_of_its_latest_input(self):
        average = import_average()
        with tempfile.TemporaryDirectory() as scratch:
            for name, steps, seconds in (("step-6", 6, 60.5), ("step-4", 4, 41.0), ("step-5", 5, 50.0)):
                save(os.path.join(scratch, name), steps, {"trainedSteps": steps, "trainingSeconds": seconds})
            model, extra = average.average_models([os.path.join(scratch, n) for n in ("step-4", "step-6", "step-5")])
            self.assertEqual((extra["trainedSteps"], extra["trainingSeconds"]), (6, 60.5))
            self.assertEqual(extra["seed"], 4)  # the rest is the first input's

    def test_another_configuration_is_refused_and_nothing_is_written(self):
        average = import_average()
        with tempfile.TemporaryDirectory() as scratch:
            save(os.path.join(scratch, "a"), 3)
            save(os.path.join(scratch, "b"), 5, hiddenSize=4)
            out = os.path.join(scratch, "average")
            with self.assertRaises(SystemExit) as caught:
                average.main(["--out", out, os.path.join(scratch, "a"), os.path.join(scratch, "b")])
            self.assertIn("hiddenSize", str(caught.exception.code))
            self.assertFalse(os.path.exists(out))

    def test_other_vocabularies_are_refused(self):
        average = import_average()
        with tempfile.TemporaryDirectory() as scratch:
            save(os.path.join(scratch, "a"), 3)
            save(os.path.join(scratch, "b"), 5, extra={"targetVocab": {"tokens": ["x"]}})
            with self.assertRaises(CheckpointError) as caught:
                average.average_models([os.path.join(scratch, "a"), os.path.join(scratch, "b")])
            self.assertIn("extra.targetVocab", str(caught.exception))

    def test_out_among_the_inputs_is_a_usage_error(self):
        average = import_average()
        with tempfile.TemporaryDirectory() as scratch:
            save(os.path.join(scratch, "a"), 3)
            with self.assertRaises(SystemExit) as caught:
                average.main(["--out", os.path.join(scratch, "a"), os.path.join(scratch, "a")])
            self.assertEqual(caught.exception.code, 2)


if __name__ == "__main__":
    unittest.main()
