"""`train_g2p.py` under torchrun with 2 processes (gloo): it trains, writes gated checkpoints,
and a run stopped and resumed ends with exactly the weights of an uninterrupted one."""
import os
import socket
import subprocess
import sys
import tempfile
import unittest
import unittest.mock

import torch

from helpers import PYTHON
from gated_torch import decode_safetensors, load_model, read_checkpoint
from gated_torch.vocab import characters, symbols

WORDS = [("abbey", "AE B IY"), ("cab", "K AE B"), ("bead", "B IY D"), ("dab", "D AE B"), ("ace", "EY S"),
         ("bed", "B EH D"), ("deb", "D EH B"), ("cede", "S IY D"), ("abed", "AH B EH D"), ("bee", "B IY")]


def free_port():
    """A TCP port on the loopback interface that nothing listens on (asked of the kernel)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def torchrun(*args):
    # Not --standalone: in torch 1.13 it always rendezvous on localhost:29400, and a run that finds
    # that port taken joins whoever holds it and waits there (a CI run hung until its timeout). A
    # static rendezvous on a free loopback port, with gloo on the loopback interface, needs nothing
    # of the machine's network or hostname.
    # --redirects/--tee 1: Debian's torch 1.13 on Python 3.11 cannot parse their default, 0.
    command = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", "2",
               "--master_addr", "127.0.0.1", "--master_port", str(free_port()),
               "--redirects", "1", "--tee", "1", os.path.join(PYTHON, "train_g2p.py"), *args]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": "lo"}
    try:
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=True).stdout
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"torchrun did not finish in 120 s; it printed:\n{e.stdout}\n{e.stderr}") from None
    except subprocess.CalledProcessError as e:
        raise AssertionError(f"torchrun failed with status {e.returncode}:\n{e.stdout}\n{e.stderr}") from None


class TrainG2PTest(unittest.TestCase):
    def test_two_processes_train_save_and_resume_exactly(self):
        with tempfile.TemporaryDirectory() as scratch:
            data = os.path.join(scratch, "g2p.tsv")
            with open(data, "w", encoding="utf-8") as f:
                for i, (word, phonemes) in enumerate(WORDS):
                    f.write(f"{'dev' if i == 0 else 'train'}\t{word}\t{phonemes}\n")
            small = ["--data", data, "--batch-size", "2", "--embedding-size", "3", "--hidden-size", "4",
                     "--save-every", "2", "--cell", "gru"]
            straight = torchrun(*small, "--out", os.path.join(scratch, "a"), "--steps", "4")
            self.assertIn("2 process(es) on cpu", straight)
            torchrun(*small, "--out", os.path.join(scratch, "b"), "--steps", "2")
            resumed = torchrun(*small, "--out", os.path.join(scratch, "b"), "--steps", "4")
            self.assertIn("resumed at step 2", resumed)
            weights = [decode_safetensors(read_checkpoint(os.path.join(scratch, run, "model"))["weights.safetensors"])
                       for run in ("a", "b")]
            self.assertEqual(sorted(weights[0]), sorted(weights[1]))
            for name, value in weights[0].items():
                self.assertTrue(torch.equal(value, weights[1][name]), name)
            model, extra = load_model(read_checkpoint(os.path.join(scratch, "a", "model")))
            self.assertEqual(extra["trainedSteps"], 4)
            self.assertEqual(extra["sourceTokenizer"], "characters")
            tokens = {t for w, p in WORDS[1:] for t in symbols(p)}
            self.assertEqual(set(extra["targetVocab"]["tokens"][4:]), tokens)
            self.assertEqual(model.config["sourceVocabSize"], 4 + len({c for w, _ in WORDS[1:] for c in characters(w)}))


    def test_a_resumed_run_draws_the_dropout_masks_an_uninterrupted_one_would(self):
        with tempfile.TemporaryDirectory() as scratch:
            data = os.path.join(scratch, "g2p.tsv")
            with open(data, "w", encoding="utf-8") as f:
                f.writelines(f"train\t{word}\t{phonemes}\n" for word, phonemes in WORDS)
            small = [os.path.join(PYTHON, "train_g2p.py"), "--data", data, "--batch-size", "3",
                     "--embedding-size", "3", "--hidden-size", "6", "--save-every", "2", "--dropout", "0.4"]

            def run(out, steps):
                return subprocess.run([sys.executable, *small, "--out", os.path.join(scratch, out), "--steps", str(steps)],
                                      env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True,
                                      timeout=300, check=True).stdout

            run("a", 4)
            run("b", 2)
            self.assertNotIn("note:", run("b", 4))
            weights = [decode_safetensors(read_checkpoint(os.path.join(scratch, out, "model"))["weights.safetensors"])
                       for out in ("a", "b")]
            for name, value in weights[0].items():
                self.assertTrue(torch.equal(value, weights[1][name]), name)

    def test_snapshots_are_kept_from_the_given_step(self):
        with tempfile.TemporaryDirectory() as scratch:
            data = os.path.join(scratch, "g2p.tsv")
            with open(data, "w", encoding="utf-8") as f:
                f.writelines(f"train\t{word}\t{phonemes}\n" for word, phonemes in WORDS)
            out = os.path.join(scratch, "run")
            command = [sys.executable, os.path.join(PYTHON, "train_g2p.py"), "--data", data, "--out", out,
                       "--batch-size", "2", "--embedding-size", "3", "--hidden-size", "4", "--steps", "6",
                       "--save-every", "2", "--snapshots-from", "4"]
            subprocess.run(command, env={**os.environ, "OMP_NUM_THREADS": "1"}, capture_output=True, text=True,
                           timeout=300, check=True)
            self.assertEqual(sorted(os.listdir(os.path.join(out, "snapshots"))), ["step-4", "step-6"])
            last = read_checkpoint(os.path.join(out, "snapshots", "step-6"))
            self.assertEqual(last["weights.safetensors"], read_checkpoint(os.path.join(out, "model"))["weights.safetensors"])
            earlier = read_checkpoint(os.path.join(out, "snapshots", "step-4"))
            self.assertNotEqual(earlier["weights.safetensors"], last["weights.safetensors"])


def import_train_g2p():
    """The script as a module (python/ on the path once)."""
    if PYTHON not in sys.path:
        sys.path.insert(0, PYTHON)
    import train_g2p
    return train_g2p


class LearningRateTest(unittest.TestCase):
    """`--warmup-steps` and `--min-factor` give gated's warmup-cosine rates (schedule.ts)."""

    def setUp(self):
        self.train_g2p = import_train_g2p()

    def rates(self, *options):
        args = self.train_g2p.parse_arguments(["--data", "x", "--out", "y", *options])
        return [self.train_g2p.learning_rate(args, step) for step in (0, 9, 10, 60, 110, 200)]

    def test_warm_up_then_cosine_to_the_floor(self):
        rates = self.rates("--lr", "1e-3", "--steps", "110", "--warmup-steps", "10", "--min-factor", "0.02")
        # 1/10 of the rate at the first step, all of it after the warm-up, half way down (plus half
        # the floor) at the middle of the cosine, the floor at the end and after it.
        for got, expected in zip(rates, [1e-4, 1e-3, 1e-3, 5.1e-4, 2e-5, 2e-5]):
            self.assertAlmostEqual(got, expected, places=12)

    def test_constant_without_a_floor(self):
        self.assertEqual(self.rates("--lr", "3e-3"), [3e-3] * 6)

    def test_refuses_out_of_range_options_by_name(self):
        for options, message in ((["--dropout", "1"], "--dropout must be in [0, 1), got 1.0"),
                                 (["--min-factor", "2"], "--min-factor must be in [0, 1], got 2.0"),
                                 (["--warmup-steps", "-1"], "--warmup-steps must be 0 or more, got -1"),
                                 (["--warmup-steps", "10"], "--warmup-steps 10 needs --min-factor")):
            with self.assertRaises(SystemExit), unittest.mock.patch("sys.stderr") as stderr:
                self.train_g2p.parse_arguments(["--data", "x", "--out", "y", *options])
            written = "".join(call.args[0] for call in stderr.write.call_args_list)
            self.assertIn(message, written)


class BucketedBatchesTest(unittest.TestCase):
    """`--bucket`: every example once per epoch, batches of similar lengths, seeded."""

    def setUp(self):
        self.global_batch = import_train_g2p().global_batch

    def test_an_epoch_is_every_example_once_in_length_sorted_batches(self):
        lengths = [(i * 37) % 23 + 1 for i in range(1000)]
        size, per_epoch = 8, 1000 // 8
        epoch = [self.global_batch(1000, step, size, 3, lengths) for step in range(per_epoch)]
        self.assertEqual(sorted(i for batch in epoch for i in batch), list(range(1000)))
        self.assertTrue(all(len(batch) == size for batch in epoch))
        spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in epoch) / per_epoch
        shuffled = [self.global_batch(1000, step, size, 3) for step in range(per_epoch)]
        plain = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in shuffled) / per_epoch
        self.assertLess(spread, 1.5)  # lengths 1..23: a bucketed batch spans about one value
        self.assertGreater(plain, 15)
        # the same step gives the same batch (resuming), the next epoch another order
        self.assertEqual(self.global_batch(1000, 7, size, 3, lengths), epoch[7])
        self.assertNotEqual(self.global_batch(1000, per_epoch + 7, size, 3, lengths), epoch[7])


if __name__ == "__main__":
    unittest.main()
