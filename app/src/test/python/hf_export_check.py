"""Checks an export folder against the real Hugging Face code (issue 11) and prints one JSON object.

    python3 hf_export_check.py EXPORT_DIR

- onnx.checker (full check) on every onnx/*.onnx;
- transformers' from_pretrained(EXPORT_DIR, output_loading_info=True) with the class config.json names:
  missing, unexpected and mismatched keys;
- its logits on fixed inputs with padding against onnx/model.onnx run by onnxruntime (largest difference
  over the positions the attention mask keeps; also seq_relationship_logits for BertForPreTraining).
Exit 3 when a package is missing, with the install command.
"""
import json
import os
import sys

try:
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch
    import transformers
except ImportError as e:  # the Java test fails with this message: these checks are never skipped
    print(f"missing Python package ({e}); install with: python3 -m pip install torch transformers safetensors onnx onnxruntime numpy",
          file=sys.stderr)
    sys.exit(3)


def main(folder):
    checked = []
    for name in sorted(os.listdir(os.path.join(folder, "onnx"))):
        if name.endswith(".onnx"):
            onnx.checker.check_model(os.path.join(folder, "onnx", name), full_check=True)
            checked.append(name)
    config = transformers.AutoConfig.from_pretrained(folder)
    architecture = config.architectures[0]
    model, info = getattr(transformers, architecture).from_pretrained(folder, output_loading_info=True)
    model.eval()

    batch, length, padded = 2, 7, 3
    rng = np.random.default_rng(11)
    special = {i for i in (getattr(config, "pad_token_id", None), getattr(config, "bos_token_id", None),
                           getattr(config, "eos_token_id", None)) if i is not None}
    ids = rng.integers(0, config.vocab_size, size=(batch, length))
    for value in special:
        ids[ids == value] = (value + 7) % config.vocab_size
    mask = np.ones((batch, length), dtype=np.int64)
    mask[1, length - padded:] = 0
    pad = config.pad_token_id if getattr(config, "pad_token_id", None) is not None else 0
    ids[mask == 0] = pad
    ids = ids.astype(np.int64)
    types = np.zeros_like(ids)
    types[:, 4:] = 1 if getattr(config, "type_vocab_size", 1) > 1 else 0

    decoder = config.model_type == "gpt2"
    torch_inputs = {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask)}
    if not decoder and getattr(config, "type_vocab_size", 1) > 1:
        torch_inputs["token_type_ids"] = torch.tensor(types)
    with torch.no_grad():
        out = model(**torch_inputs)
    theirs = {"logits": (out.prediction_logits if hasattr(out, "prediction_logits") else out.logits).numpy()}
    if hasattr(out, "seq_relationship_logits"):
        theirs["seq_relationship_logits"] = out.seq_relationship_logits.numpy()

    session = ort.InferenceSession(os.path.join(folder, "onnx", "model.onnx"), providers=["CPUExecutionProvider"])
    feeds = {}
    for i in session.get_inputs():
        if i.name == "input_ids":
            feeds[i.name] = ids
        elif i.name == "attention_mask":
            feeds[i.name] = mask
        elif i.name == "token_type_ids":
            feeds[i.name] = types
        elif i.name == "position_ids":
            feeds[i.name] = np.tile(np.arange(length, dtype=np.int64), (batch, 1))
        elif i.name.startswith("past_key_values."):
            feeds[i.name] = np.zeros((batch, i.shape[1], 0, i.shape[3]), dtype=np.float32)
        else:
            raise SystemExit(f"unknown ONNX input {i.name}")
    names = [o.name for o in session.get_outputs()]
    ours = dict(zip(names, session.run(None, feeds)))

    differences = {}
    keep = mask.astype(bool)
    differences["logits"] = float(np.max(np.abs(theirs["logits"][keep] - ours["logits"][keep])))
    if "seq_relationship_logits" in theirs:
        differences["seq_relationship_logits"] = float(np.max(np.abs(theirs["seq_relationship_logits"]
                                                                      - ours["seq_relationship_logits"])))
    print(json.dumps({
        "architecture": architecture,
        "model_type": config.model_type,
        "missing": sorted(info.get("missing_keys", [])),
        "unexpected": sorted(info.get("unexpected_keys", [])),
        "mismatched": [str(m) for m in info.get("mismatched_keys", [])],
        "max_abs_difference": differences,
        "onnx_checked": checked,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
