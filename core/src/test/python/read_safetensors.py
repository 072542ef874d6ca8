"""Reads a .safetensors file with the safetensors library and prints its tensors and metadata as JSON.

Usage: python3 read_safetensors.py FILE
"""
import json
import sys

from safetensors import safe_open


def main(path):
    out = {"metadata": None, "tensors": {}}
    with safe_open(path, framework="pt") as f:
        out["metadata"] = f.metadata()
        for name in f.keys():
            t = f.get_tensor(name)
            out["tensors"][name] = {"shape": list(t.shape), "dtype": str(t.dtype), "values": t.flatten().tolist()}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
