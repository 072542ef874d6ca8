"""Runs onnx.checker with full_check (strict shape inference included) on each ONNX file given.

Prints one JSON line: the onnx version and, per file, its IR version and opset imports. A file
that fails the check makes the script exit non-zero with the checker's message on stderr.
"""
import json
import sys

import onnx

checked = {}
for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    checked[path] = {
        "ir_version": model.ir_version,
        "opsets": {(o.domain or "ai.onnx"): o.version for o in model.opset_import},
    }
print(json.dumps({"onnx": onnx.__version__, "checked": checked}))
