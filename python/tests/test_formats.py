"""The file formats: safetensors as `@gated/cells` writes and checks it, the manifest's JSON as
JavaScript writes it (numbers included: the checksum depends on it), checkpoint folders."""
import json
import os
import tempfile
import unittest

import torch

import helpers  # noqa: F401 (puts python/ on the path)
from gated_torch import SafetensorsError, decode_safetensors, encode_safetensors, read_checkpoint, write_checkpoint
from gated_torch.checkpoint_dir import GENERATION_MARKER
from gated_torch.manifest import canonical_json, js_number
from gated_torch.safetensors import read_metadata


def raw_file(header, data=b""):
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + data


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_sorted_padded_with_metadata(self):
        tensors = {"b": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 7, "a": torch.tensor([3, -1], dtype=torch.int32)}
        data = encode_safetensors(tensors, {"format": "gated-seq2seq"})
        header_length = int.from_bytes(data[:8], "little")
        self.assertEqual(header_length % 8, 0)
        self.assertLess(data.index(b'"a"'), data.index(b'"b"'))
        back = decode_safetensors(data)
        self.assertTrue(torch.equal(back["b"], tensors["b"]))
        self.assertEqual(back["a"].tolist(), [3, -1])
        self.assertEqual(read_metadata(data), {"format": "gated-seq2seq"})

    def test_malformed_files_are_refused_naming_the_problem(self):
        f32 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
        for data, fragment in [
            (b"\x01\x00", "file is truncated"),
            ((10**6).to_bytes(8, "little") + b"{}", "runs past the end of the file"),
            (raw_file({"w": {**f32, "dtype": "F64"}}, bytes(8)), "dtype 'F64'"),
            (raw_file({"w": f32}, bytes(4)), "outside the 4 data bytes"),
            (raw_file({"w": {**f32, "shape": [3]}}, bytes(8)), "needs 12 bytes"),
            (raw_file({"w": f32, "v": {**f32, "data_offsets": [4, 12]}}, bytes(12)), "a gap or an overlap"),
            (raw_file({"w": f32}, bytes(12)), "cover 8 of the 12 data bytes"),
            (raw_file([1, 2]), "header must be a JSON object"),
            (b"\x0d" + bytes(7) + b'{"a":1,"a":2}', "names 'a' twice"),
        ]:
            with self.subTest(fragment):
                with self.assertRaises(SafetensorsError) as caught:
                    decode_safetensors(data)
                self.assertIn(fragment, str(caught.exception))


class JsonTest(unittest.TestCase):
    def test_numbers_are_written_as_javascript_writes_them(self):
        # String(x) in Node for each value.
        for value, text in [(0.0, "0"), (1.0, "1"), (0.1, "0.1"), (1e-7, "1e-7"), (1e-6, "0.000001"),
                            (1e-5, "0.00001"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
                            (2**60, "1152921504606847000"), (-0.5, "-0.5"), (12.5, "12.5"),
                            (1.7976931348623157e308, "1.7976931348623157e+308"), (5e-324, "5e-324"),
                            (0.00015, "0.00015"), (123, "123")]:
            self.assertEqual(js_number(value), text, value)

    def test_canonical_json_sorts_keys_by_utf16_code_units(self):
        self.assertEqual(canonical_json({"b": [1.0, None, True], "a": "é\n\"", "\U0001F600": 1, "\uff01": 2}),
                         '{"a":"é\\n\\"","b":[1,null,true],"\U0001F600":1,"\uff01":2}')


class CheckpointFolderTest(unittest.TestCase):
    def test_saves_replace_the_checkpoint_and_mark_generations(self):
        with tempfile.TemporaryDirectory() as scratch:
            target = os.path.join(scratch, "run", "model")
            write_checkpoint(target, {"config.json": b"1"})
            write_checkpoint(target, {"config.json": b"2", "weights.safetensors": b"w"})
            self.assertEqual(read_checkpoint(target), {"config.json": b"2", "weights.safetensors": b"w"})
            with open(os.path.join(target, GENERATION_MARKER)) as f:
                self.assertEqual(json.load(f), {"generation": 2})
            self.assertEqual(sorted(os.listdir(os.path.dirname(target))), ["model"])  # no debris

    def test_a_crash_after_the_new_folder_was_complete_reads_the_newer_folder(self):
        with tempfile.TemporaryDirectory() as scratch:
            target = os.path.join(scratch, "model")
            write_checkpoint(target, {"config.json": b"old"})
            partial = f"{target}.partial-999999-abc"  # a save by a process that died before its renames
            os.mkdir(partial)
            with open(os.path.join(partial, "config.json"), "wb") as f:
                f.write(b"new")
            self.assertEqual(read_checkpoint(target), {"config.json": b"old"})  # not complete: no marker
            with open(os.path.join(partial, GENERATION_MARKER), "w") as f:
                f.write('{"generation": 2}\n')
            self.assertEqual(read_checkpoint(target), {"config.json": b"new"})
            write_checkpoint(target, {"config.json": b"newest"})  # generation 3, and the debris goes
            self.assertEqual(read_checkpoint(target), {"config.json": b"newest"})
            self.assertFalse(os.path.exists(partial))

    def test_refuses_names_that_are_not_plain_files(self):
        with tempfile.TemporaryDirectory() as scratch:
            for name in ("../x", ".hidden", "a/b"):
                with self.assertRaises(ValueError):
                    write_checkpoint(os.path.join(scratch, "m"), {name: b""})
            self.assertEqual(os.listdir(scratch), [])


if __name__ == "__main__":
    unittest.main()
