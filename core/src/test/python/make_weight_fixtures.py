"""Writes the weight-file fixtures of core's tests with the real libraries (torch, safetensors).

Usage: python3 make_weight_fixtures.py OUTPUT_FOLDER

The committed fixtures (core/src/test/resources/weights) were made by this script; WeightFilesTest
also runs it at build time into a temporary folder and reads that fresh output the same way.
expected.json holds, for each fixture tensor, its shape, stored dtype and values as float32
(what torch's tensor.float() gives), which the Java readers must reproduce exactly.
"""
import collections
import json
import os
import struct
import sys

import torch
from safetensors.torch import save_file


class RunsACommand:
    """What a malicious checkpoint holds: unpickling it calls os.system."""

    def __reduce__(self):
        return (os.system, ("echo pickle-ran-code > pwned.txt",))


def values(generator, *shape, dtype=torch.float32):
    return torch.randn(*shape, generator=generator).to(dtype)


def describe(tensor, stored):
    return {"shape": list(tensor.shape), "dtype": stored, "values": tensor.float().flatten().tolist()}


def main(out):
    os.makedirs(out, exist_ok=True)
    g = torch.Generator().manual_seed(11)
    expected = {}

    # One file per dtype, with the metadata save_pretrained writes.
    half = values(g, 3, 4, dtype=torch.float16)
    half[0, 0] = 65504.0  # largest half
    half[0, 1] = 5.96e-8  # smallest subnormal half
    half[0, 2] = -0.0
    per_dtype = {
        "f32": ({"embeddings.weight": values(g, 5, 3), "bias": values(g, 3), "scalar": torch.tensor(2.5)}, "F32"),
        "f16": ({"w": half, "empty": torch.zeros(0, 4, dtype=torch.float16)}, "F16"),
        "bf16": ({"w": values(g, 2, 3, 2, dtype=torch.bfloat16)}, "BF16"),
    }
    for name, (tensors, stored) in per_dtype.items():
        save_file(tensors, os.path.join(out, name + ".safetensors"), metadata={"format": "pt", "fixture": name})
        expected[name + ".safetensors"] = {k: describe(v, stored) for k, v in tensors.items()}

    # A sharded checkpoint as save_pretrained(max_shard_size=...) writes it.
    sharded = os.path.join(out, "sharded")
    os.makedirs(sharded, exist_ok=True)
    shards = {
        "model-00001-of-00002.safetensors": {"encoder.layer.0.weight": values(g, 4, 4), "encoder.layer.0.bias": values(g, 4)},
        "model-00002-of-00002.safetensors": {"encoder.layer.1.weight": values(g, 4, 4)},
    }
    weight_map = {}
    total = 0
    for shard, tensors in shards.items():
        save_file(tensors, os.path.join(sharded, shard), metadata={"format": "pt"})
        for k, v in tensors.items():
            weight_map[k] = shard
            total += v.numel() * 4
    with open(os.path.join(sharded, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)
    expected["sharded"] = {k: describe(v, "F32") for t in shards.values() for k, v in t.items()}

    # A state dict as torch.save writes it (zip + pickle protocol 2): a parameter, half and bfloat16
    # storages, a view at an offset into a shared storage, a transposed (strided) view, an int64 buffer.
    base = values(g, 10)
    matrix = values(g, 3, 2)
    state = collections.OrderedDict()
    state["linear.weight"] = torch.nn.Parameter(values(g, 2, 3))
    state["linear.bias"] = values(g, 2)
    state["half"] = values(g, 4, dtype=torch.float16)
    state["brain"] = values(g, 2, 2, dtype=torch.bfloat16)
    state["slice"] = base[3:7]
    state["shared"] = base
    state["transposed"] = matrix.t()
    state["position_ids"] = torch.arange(6).unsqueeze(0)
    state._metadata = collections.OrderedDict({"": {"version": 1}})
    torch.save(state, os.path.join(out, "state_dict.bin"))
    stored = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
    expected["state_dict.bin"] = {k: describe(v.detach(), stored[v.dtype]) for k, v in state.items()}

    # Bad inputs.
    torch.save({"w": torch.ones(2), "evil": RunsACommand()}, os.path.join(out, "malicious.bin"))
    torch.save({"state_dict": {"w": torch.ones(2)}, "epoch": 3}, os.path.join(out, "nested.bin"))
    torch.save({"w": torch.ones(2)}, os.path.join(out, "legacy.bin"), _use_new_zipfile_serialization=False)
    torch.save({"w": torch.ones(2, dtype=torch.float64)}, os.path.join(out, "double.bin"))
    with open(os.path.join(out, "f32.safetensors"), "rb") as f:
        whole = f.read()
    with open(os.path.join(out, "truncated.safetensors"), "wb") as f:
        f.write(whole[:-7])
    header = json.dumps({
        "a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
        "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]},
    }).encode()
    with open(os.path.join(out, "overlapping.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + bytes(24))

    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_weight_fixtures.py OUTPUT_FOLDER")
    main(sys.argv[1])
