"""The Python side of the PyTorch interop test (Debian's /usr/bin/python3 with python3-torch).

    torch_interop.py write DIR   torch.save files for xgrad to read, and expected.json with every
                                 tensor's dtype, shape and values (Python floats: exact)
    torch_interop.py check DIR   reads what xgrad wrote with torch.load(weights_only=True), compares
                                 it bit for bit with xgrad_expected.json, runs the MLP on xgrad's
                                 inputs against xgrad's outputs, and re-saves the state_dict as
                                 roundtrip.pt for xgrad to compare with what it wrote
"""
import json
import os
import struct
import sys

import torch
from torch import nn


def mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def describe(tensors):
    return {name: {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                   "values": t.reshape(-1).tolist()}
            for name, t in tensors.items()}


def write(directory):
    torch.manual_seed(0)
    model = mlp()
    x = torch.randn(5, 4)
    with torch.no_grad():
        y = model(x)
    files = {}
    files["mlp.pt"] = model.state_dict()
    files["mlp_io.pt"] = {"input": x, "output": y}

    # Views of one storage: torch.save writes the storage once and each tensor's offset and
    # strides into it.
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.5 - 3
    files["strided.pt"] = {"base": base, "t": base.t(), "row": base[1], "col": base[:, 2],
                           "block": base[1:3, 2:5], "every_other": base[::2, ::3],
                           "scalar": base[2, 3]}

    norm = nn.BatchNorm1d(3)
    norm(torch.randn(6, 3))  # one training step: running statistics, num_batches_tracked = 1
    mixed = {"double": torch.randn(2, 3, dtype=torch.float64),
             "int64": torch.tensor([-3, 0, 2**40, 7]),
             "int32": torch.tensor([1, -2], dtype=torch.int32),
             "uint8": torch.tensor([0, 255], dtype=torch.uint8),
             "flags": torch.tensor([True, False]),
             "empty": torch.zeros(0, 3), "parameter": nn.Parameter(torch.tensor([1.5, -2.25]))}
    mixed.update({"bn." + k: v for k, v in norm.state_dict(keep_vars=True).items()})
    files["mixed.pt"] = mixed

    expected = {}
    for name, contents in files.items():
        torch.save(contents, os.path.join(directory, name))
        expected[name] = describe({k: v.detach() for k, v in contents.items()})
    with open(os.path.join(directory, "expected.json"), "w") as out:
        json.dump(expected, out)


def bits(t):
    """The raw bytes of a tensor's values."""
    return t.contiguous().numpy().tobytes()


def packed(entry):
    formats = {"float32": "f", "float64": "d", "int64": "q", "int32": "i", "int16": "h",
               "int8": "b", "uint8": "B", "bool": "?"}
    code = formats[entry["dtype"]]
    values = entry["values"] if code in "fd" else [int(v) for v in entry["values"]]
    return struct.pack("<%d%s" % (len(values), code), *values)


def check(directory):
    failures = []
    with open(os.path.join(directory, "xgrad_expected.json")) as f:
        expected = json.load(f)
    state = torch.load(os.path.join(directory, "xgrad_state.pt"), weights_only=True)
    if set(state) != set(expected):
        failures.append("keys %s, expected %s" % (sorted(state), sorted(expected)))
    for name, entry in expected.items():
        t = state.get(name)
        if t is None:
            continue
        if str(t.dtype) != "torch." + entry["dtype"] or list(t.shape) != entry["shape"]:
            failures.append("%s: %s %s, expected %s %s" % (name, t.dtype, list(t.shape),
                                                         entry["dtype"], entry["shape"]))
        elif bits(t) != packed(entry):
            failures.append("%s: the values differ from xgrad's bits" % name)

    model = mlp()
    model.load_state_dict({k: v for k, v in state.items() if k[0].isdigit()})
    io = torch.load(os.path.join(directory, "xgrad_io.pt"), weights_only=True)
    with torch.no_grad():
        y = model(io["input"])
    error = ((y - io["output"]).abs() / io["output"].abs().clamp_min(1e-6)).max().item()
    print("torch on xgrad's MLP: max relative difference from xgrad's output %.3g" % error)
    if error > 1e-6:
        failures.append("MLP output differs from xgrad's by %.3g relative" % error)

    torch.save(state, os.path.join(directory, "roundtrip.pt"))
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[2], exist_ok=True)
    sys.exit(write(sys.argv[2]) if sys.argv[1] == "write" else check(sys.argv[2]))
