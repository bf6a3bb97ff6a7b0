"""The twin's loader refuses what it cannot load — mismatched shapes, missing and unexpected
weights, unsupported options, damaged files — with a message naming them, and never half-loads."""
import json
import os
import unittest

import torch

from helpers import GATED_TRAINED
from gated_torch import (CheckpointError, Seq2Seq, decode_safetensors, encode_safetensors,
                         load_model, load_training, load_weights, model_files, read_checkpoint,
                         training_files)
from gated_torch.manifest import encode_manifest

CONFIG = {"sourceVocabSize": 9, "targetVocabSize": 11, "bosId": 1, "eosId": 2, "padId": 0,
          "embeddingSize": 5, "hiddenSize": 6, "cell": "gru", "attention": "luong-general"}


def rebuilt(files, config=None, weights=None):
    """`files` with its config and/or weights replaced and the manifest made consistent again, as
    a careful editor would: what is left to refuse is the content itself."""
    manifest = json.loads(files["config.json"])
    body = {"weights.safetensors": weights if weights is not None else files["weights.safetensors"]}
    return {"config.json": encode_manifest(config or manifest["config"], manifest["extra"], body), **body}


class LoaderTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(5)
        self.model = Seq2Seq(CONFIG)
        self.files = model_files(self.model, {"note": "x"})
        self.tensors = decode_safetensors(self.files["weights.safetensors"])

    def refused(self, files, *fragments, target=None, also_new=True):
        target = target or Seq2Seq(CONFIG)
        before = {k: v.clone() for k, v in target.state_dict().items()}
        with self.assertRaises(CheckpointError) as caught:
            load_weights(target, files)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        for name, value in target.state_dict().items():  # nothing was loaded
            self.assertTrue(torch.equal(value, before[name]), name)
        if also_new:  # and a new model is not made of it either
            with self.assertRaises(CheckpointError):
                load_model(files)
        return str(caught.exception)

    def test_a_good_checkpoint_loads_exactly(self):
        target = Seq2Seq(CONFIG)
        self.assertEqual(load_weights(target, self.files), {"note": "x"})
        for name, value in self.model.state_dict().items():
            self.assertTrue(torch.equal(value, target.state_dict()[name]), name)

    def test_a_mismatched_shape_is_named(self):
        tensors = {**self.tensors, "decoder.combine.weight": torch.zeros(6, 11)}
        # The same number of values in all, so only the shape check can see it.
        tensors["decoder.attention.key_layer.weight"] = torch.zeros(36 + 6)[:36].reshape(6, 6)
        tensors["decoder.combine.weight"] = torch.zeros(72).reshape(12, 6)
        message = self.refused(rebuilt(self.files, weights=encode_safetensors(tensors)),
                               "'decoder.combine.weight' has shape [12, 6], the model's is [6, 12]",
                               "nothing was loaded")
        self.assertNotIn("key_layer", message)

    def test_missing_and_unexpected_weights_are_named(self):
        tensors = dict(self.tensors)
        tensors["decoder.extra.weight"] = tensors.pop("decoder.combine.weight")
        self.refused(rebuilt(self.files, weights=encode_safetensors(tensors)),
                     "missing weights: 'decoder.combine.weight'", "unexpected weights: 'decoder.extra.weight'")

    def test_weights_too_few_for_the_config_are_refused_before_decoding(self):
        tensors = dict(self.tensors)
        del tensors["decoder.combine.weight"]
        self.refused(rebuilt(self.files, weights=encode_safetensors(tensors)),
                     "weights.safetensors holds", "bytes of tensor data; the config describes")

    def test_unsupported_options_are_named(self):
        manifest = json.loads(self.files["config.json"])
        for change, fragment in [
            ({"cell": "transformer"}, "cell must be 'lstm', 'gru' or 'rnn', got 'transformer'"),
            ({"attention": "local-p"}, "attention must be one of"),
            ({"layerNorm": True}, "unknown field 'layerNorm'"),
            ({"dropout": 1.5}, "dropout must be a number in [0, 1)"),
            ({"hiddenSize": 9000}, "config.hiddenSize must be at most 8192"),
            ({"bidirectional": "yes"}, "config.bidirectional must be a boolean"),
        ]:
            with self.subTest(change):
                self.refused(rebuilt(self.files, config={**manifest["config"], **change}), fragment)
        config = dict(manifest["config"])
        del config["seed"]
        self.refused(rebuilt(self.files, config=config), "config.seed is missing")

    def test_another_configuration_is_named_field_by_field(self):
        self.refused(self.files, "different model configuration", "cell: 'gru' → 'lstm'",
                     target=Seq2Seq({**CONFIG, "cell": "lstm"}), also_new=False)

    def test_damaged_files_are_refused(self):
        weights = bytearray(self.files["weights.safetensors"])
        weights[-1] ^= 1
        self.refused({**self.files, "weights.safetensors": bytes(weights)},
                     "weights.safetensors does not match its checksum")
        self.refused({**self.files, "weights.safetensors": self.files["weights.safetensors"][:-4]},
                     "weights.safetensors has", "(truncated?)")
        self.refused({"config.json": self.files["config.json"]}, "weights.safetensors is missing")
        edited = self.files["config.json"].replace(b'"hiddenSize": 6', b'"hiddenSize": 7')
        self.refused({**self.files, "config.json": edited}, "config.json does not match its checksum")
        v1 = self.files["config.json"].replace(b'"formatVersion": 2', b'"formatVersion": 1')
        self.refused({**self.files, "config.json": v1}, "format version 1 is not supported")
        self.refused({**self.files, "config.json": b"{"}, "config.json is not valid JSON")

    def test_training_checkpoints_resume_and_refuse_what_they_lack(self):
        optimizer = torch.optim.Adam(self.model.parameters())
        self.model(torch.tensor([[3, 4]]), torch.tensor([2]), torch.ones(1, 2), torch.tensor([[1, 5]])).sum().backward()
        optimizer.step()
        files = training_files(self.model, optimizer, {"step": 1}, {"note": "x"})
        model, moments, record, extra = load_training(files)
        self.assertEqual((record["step"], extra), (1, {"note": "x"}))
        self.assertEqual(len(moments), 2 * len(list(model.parameters())))
        with self.assertRaises(CheckpointError) as caught:
            load_training(self.files)
        self.assertIn("not a training checkpoint of the PyTorch twin (config.json lists no torch-optimizer.safetensors)",
                      str(caught.exception))
        with self.assertRaises(CheckpointError) as caught:
            load_model({**files, "torch-training.json": files["torch-training.json"].replace(b"1", b"7")})
        self.assertIn("torch-training.json does not match its checksum", str(caught.exception))

    def test_a_checkpoint_written_by_gated_reads_here(self):
        for name in os.listdir(GATED_TRAINED):
            files = read_checkpoint(os.path.join(GATED_TRAINED, name, "checkpoint"))
            model, extra = load_model(files)
            self.assertEqual(extra, {"case": name})
            # Written back by the twin, the files are byte for byte what gated wrote.
            self.assertEqual(model_files(model, extra), files)


if __name__ == "__main__":
    unittest.main()
