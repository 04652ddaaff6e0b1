#!/usr/bin/python3
"""Reference values for tests/test_layers.cpp, computed by PyTorch (Debian's python3-torch).

Every case records float64 inputs, the op's arguments, its output and the gradients of
sum(output * probe) with respect to every input that takes one (probe: fixed random values of
the output's shape). Run from the repository root: /usr/bin/python3 tests/make_layer_references.py
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(13)
cases = []


def tensor(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def case(name, op, fn, inputs, args, integer_inputs=None, extra_outputs=None):
    """Runs fn(**inputs) and records output, gradients and (extra_outputs) state after the call."""
    leaves = {k: v.clone().requires_grad_(v.dtype.is_floating_point) for k, v in inputs.items()}
    out = fn(**leaves)
    probe = torch.randn(out.shape, dtype=torch.float64)
    differentiable = [k for k, v in leaves.items() if v.requires_grad]
    grads = torch.autograd.grad((out * probe).sum(), [leaves[k] for k in differentiable],
                                allow_unused=True)
    entry = {
        "name": name,
        "op": op,
        "args": args,
        "inputs": {k: tensor(v) for k, v in inputs.items()},
        "output": tensor(out),
        "probe": tensor(probe),
        "grads": {k: tensor(g if g is not None else torch.zeros_like(leaves[k]))
                  for k, g in zip(differentiable, grads)},
    }
    if extra_outputs:
        entry["state"] = {k: tensor(v) for k, v in extra_outputs().items()}
    cases.append(entry)


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float64)


# conv2d: padding, stride, dilation, groups, depthwise, "same" with an even kernel, 1x1 stride 2.
for name, xs, ws, bias, kw in [
    ("conv2d_pad1_bias", (2, 3, 7, 6), (4, 3, 3, 3), True, dict(stride=[1, 1], padding=[1, 1], dilation=[1, 1], groups=1)),
    ("conv2d_groups_dilation_stride", (1, 4, 9, 8), (6, 2, 3, 2), False, dict(stride=[2, 1], padding=[1, 0], dilation=[2, 1], groups=2)),
    ("conv2d_depthwise_same", (2, 3, 5, 5), (3, 1, 3, 3), True, dict(stride=[1, 1], padding="same", dilation=[1, 1], groups=3)),
    ("conv2d_same_even_kernel", (1, 2, 6, 5), (3, 2, 4, 2), True, dict(stride=[1, 1], padding="same", dilation=[1, 2], groups=1)),
    ("conv2d_1x1_stride2", (2, 3, 5, 5), (4, 3, 1, 1), True, dict(stride=[2, 2], padding=[0, 0], dilation=[1, 1], groups=1)),
    ("conv2d_valid_batch1", (1, 1, 4, 4), (1, 1, 4, 3), False, dict(stride=[1, 1], padding="valid", dilation=[1, 1], groups=1)),
]:
    inputs = {"x": randn(*xs), "weight": randn(*ws)}
    if bias:
        inputs["bias"] = randn(ws[0])
    p = kw["padding"] if isinstance(kw["padding"], str) else tuple(kw["padding"])
    case(name, "conv2d", lambda x, weight, bias=None, kw=kw, p=p: F.conv2d(
        x, weight, bias, tuple(kw["stride"]), p, tuple(kw["dilation"]), kw["groups"]), inputs, kw)

for name, xs, ws, kw in [
    ("conv1d_stride_pad_dilation", (2, 3, 10), (4, 3, 3), dict(stride=2, padding=1, dilation=2, groups=1)),
    ("conv1d_same_even_groups", (1, 4, 7), (2, 2, 4), dict(stride=1, padding="same", dilation=1, groups=2)),
]:
    inputs = {"x": randn(*xs), "weight": randn(*ws), "bias": randn(ws[0])}
    case(name, "conv1d", lambda x, weight, bias, kw=kw: F.conv1d(
        x, weight, bias, kw["stride"], kw["padding"], kw["dilation"], kw["groups"]), inputs, kw)

for name, xs, ws, kw in [
    ("conv_transpose2d_stride2_outpad", (2, 4, 4, 5), (4, 3, 3, 3), dict(stride=[2, 2], padding=[1, 1], output_padding=[1, 1], groups=1, dilation=[1, 1])),
    ("conv_transpose2d_groups_dilation", (1, 4, 3, 3), (4, 1, 2, 3), dict(stride=[2, 3], padding=[0, 1], output_padding=[1, 0], groups=2, dilation=[2, 1])),
    ("conv_transpose2d_outpad_below_dilation", (1, 2, 3, 3), (2, 2, 3, 3), dict(stride=[1, 1], padding=[0, 0], output_padding=[1, 1], groups=1, dilation=[2, 2])),
]:
    inputs = {"x": randn(*xs), "weight": randn(*ws), "bias": randn(ws[1] * kw["groups"])}
    case(name, "conv_transpose2d", lambda x, weight, bias, kw=kw: F.conv_transpose2d(
        x, weight, bias, tuple(kw["stride"]), tuple(kw["padding"]), tuple(kw["output_padding"]),
        kw["groups"], tuple(kw["dilation"])), inputs, kw)

# Pools. Small integers make ties, which test the first-maximum rule.
ties = torch.randint(0, 3, (2, 3, 7, 6)).double()
for name, x, kw in [
    ("max_pool2d_ceil_pad", randn(2, 3, 7, 6), dict(kernel=[3, 3], stride=[2, 2], padding=[1, 1], dilation=[1, 1], ceil_mode=True)),
    ("max_pool2d_dilation_ties", ties, dict(kernel=[2, 3], stride=[1, 2], padding=[1, 1], dilation=[2, 1], ceil_mode=False)),
    ("max_pool2d_ties_default_stride", ties, dict(kernel=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=False)),
    ("max_pool2d_unbatched", randn(3, 5, 5), dict(kernel=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=True)),
]:
    case(name, "max_pool2d", lambda x, kw=kw: F.max_pool2d(
        x, tuple(kw["kernel"]), tuple(kw["stride"]), tuple(kw["padding"]), tuple(kw["dilation"]),
        kw["ceil_mode"]), {"x": x}, kw)
case("max_pool1d_ceil", "max_pool1d", lambda x: F.max_pool1d(x, 3, 2, 1, 1, True),
     {"x": randn(2, 3, 11)}, dict(kernel=3, stride=2, padding=1, dilation=1, ceil_mode=True))
for name, x, kw in [
    ("avg_pool2d_ceil_exclude_pad", randn(2, 3, 7, 6), dict(kernel=[3, 3], stride=[2, 2], padding=[1, 1], ceil_mode=True, count_include_pad=False, divisor_override=0)),
    ("avg_pool2d_ceil_include_pad", randn(2, 3, 7, 6), dict(kernel=[3, 2], stride=[2, 2], padding=[1, 1], ceil_mode=True, count_include_pad=True, divisor_override=0)),
    ("avg_pool2d_divisor_override", randn(1, 2, 5, 5), dict(kernel=[2, 2], stride=[1, 1], padding=[0, 0], ceil_mode=False, count_include_pad=True, divisor_override=5)),
]:
    case(name, "avg_pool2d", lambda x, kw=kw: F.avg_pool2d(
        x, tuple(kw["kernel"]), tuple(kw["stride"]), tuple(kw["padding"]), kw["ceil_mode"],
        kw["count_include_pad"], kw["divisor_override"] or None), {"x": x}, kw)
case("avg_pool1d_exclude_pad", "avg_pool1d", lambda x: F.avg_pool1d(x, 3, 2, 1, True, False),
     {"x": randn(2, 3, 10)}, dict(kernel=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False))
case("adaptive_avg_pool2d", "adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
     {"x": randn(2, 3, 7, 5)}, dict(output_size=[3, 2]))
case("adaptive_max_pool2d", "adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 4)),
     {"x": randn(2, 3, 7, 5)}, dict(output_size=[3, 4]))

# Normalization.
for name, shape, training in [("batch_norm_train_4d", (4, 3, 5, 5), True),
                              ("batch_norm_train_2d", (8, 5), True),
                              ("batch_norm_eval_3d", (2, 3, 4), False)]:
    c = shape[1]
    rm, rv = randn(c), torch.rand(c, dtype=torch.float64) + 0.5
    state = {"running_mean": rm.clone(), "running_var": rv.clone()}

    def bn(x, weight, bias, state=state, training=training):
        return F.batch_norm(x, state["running_mean"], state["running_var"], weight, bias,
                            training, 0.1, 1e-5)
    case(name, "batch_norm", bn,
         {"x": randn(*shape), "weight": randn(c), "bias": randn(c)},
         dict(training=training, momentum=0.1, eps=1e-5,
              running_mean=tensor(rm), running_var=tensor(rv)),
         extra_outputs=lambda state=state: state)
case("layer_norm", "layer_norm", lambda x, weight, bias: F.layer_norm(x, (4, 5), weight, bias, 1e-5),
     {"x": randn(3, 4, 5), "weight": randn(4, 5), "bias": randn(4, 5)},
     dict(normalized_shape=[4, 5], eps=1e-5))
case("group_norm", "group_norm", lambda x, weight, bias: F.group_norm(x, 3, weight, bias, 1e-5),
     {"x": randn(2, 6, 3, 4), "weight": randn(6), "bias": randn(6)}, dict(num_groups=3, eps=1e-5))

# Embedding with repeated rows and a padding row; pad in the three modes.
case("embedding_padding_idx", "embedding",
     lambda weight, indices: F.embedding(indices, weight, padding_idx=2),
     {"weight": randn(10, 4), "indices": torch.tensor([[1, 2, 1], [9, 0, 2]])}, dict(padding_idx=2))
for name, shape, pads, mode, value in [
    ("pad_reflect", (2, 3, 5, 6), [2, 1, 1, 3], "reflect", 0.0),
    ("pad_replicate", (2, 3, 4), [1, 2], "replicate", 0.0),
    ("pad_constant_crop", (2, 3, 4, 5), [1, -2, 2, 0], "constant", 0.5),
]:
    case(name, "pad", lambda x, pads=pads, mode=mode, value=value: F.pad(x, pads, mode, value),
         {"x": randn(*shape)}, dict(pads=pads, mode=mode, value=value))

with open("tests/data/layers/torch_reference.json", "w") as out:
    json.dump({"torch_version": torch.__version__, "cases": cases}, out)
print(f"{len(cases)} cases written with torch {torch.__version__}")
