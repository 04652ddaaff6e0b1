#!/usr/bin/python3
"""Reference values for tests/test_rnn.cpp, computed by PyTorch (Debian's python3-torch 1.13).

Every case records a recurrent module's settings, its parameters (name and value, in torch's
state_dict order), float64 inputs (input, h0, c0, lengths), the outputs (output, h_n, c_n) and
the gradients of sum(output * probe_output) + sum(h_n * probe_h) + sum(c_n * probe_c) with respect
to the input, the initial states and every parameter. Variable lengths go through
pack_padded_sequence(enforce_sorted=False) and pad_packed_sequence(total_length=L).
Run from the repository root: /usr/bin/python3 tests/make_rnn_references.py
"""
import json

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(18)
cases = []


def tensor(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float64)


def module_case(name, kind, config, input_shape, h0=False, c0=False, lengths=None):
    cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind]
    m = cls(**config).double()
    x = randn(*input_shape).requires_grad_()
    batched = len(input_shape) == 3
    batch = input_shape[0 if config.get("batch_first") else 1] if batched else None
    layers = config.get("num_layers", 1) * (2 if config.get("bidirectional") else 1)
    state_shape = (layers, batch, config["hidden_size"]) if batched else (layers, config["hidden_size"])
    inputs = {"input": x}
    if h0:
        inputs["h0"] = randn(*state_shape).requires_grad_()
    if c0:
        inputs["c0"] = randn(*state_shape).requires_grad_()
    hx = None
    if kind == "LSTM" and (h0 or c0):
        hx = (inputs["h0"], inputs["c0"])
    elif h0:
        hx = inputs["h0"]
    if lengths is None:
        out, state = m(x, hx)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=config.get("batch_first", False),
                                      enforce_sorted=False)
        out, state = m(packed, hx)
        steps = input_shape[1 if config.get("batch_first") else 0]
        out, _ = pad_packed_sequence(out, batch_first=config.get("batch_first", False), total_length=steps)
    h_n, c_n = state if kind == "LSTM" else (state, None)
    outputs = {"output": out, "h_n": h_n}
    if c_n is not None:
        outputs["c_n"] = c_n
    probes = {k: randn(*v.shape) for k, v in outputs.items()}
    loss = sum((v * probes[k]).sum() for k, v in outputs.items())
    params = list(m.named_parameters())
    leaves = list(inputs.values()) + [p for _, p in params]
    grads = torch.autograd.grad(loss, leaves)
    cases.append({
        "name": name,
        "kind": kind,
        "config": config,
        "lengths": lengths or [],
        "parameters": [{"name": n, "value": tensor(p)} for n, p in params],
        "inputs": {k: tensor(v) for k, v in inputs.items()},
        "outputs": {k: tensor(v) for k, v in outputs.items()},
        "probes": {k: tensor(v) for k, v in probes.items()},
        "grads": {n: tensor(g) for n, g in zip(list(inputs) + [n for n, _ in params], grads)},
    })


def cell_case(name, kind, config, input_shape, states):
    cls = {"RNNCell": torch.nn.RNNCell, "LSTMCell": torch.nn.LSTMCell, "GRUCell": torch.nn.GRUCell}[kind]
    m = cls(**config).double()
    x = randn(*input_shape).requires_grad_()
    state_shape = input_shape[:-1] + (config["hidden_size"],)
    inputs = {"input": x}
    if states:
        inputs["h0"] = randn(*state_shape).requires_grad_()
        if kind == "LSTMCell":
            inputs["c0"] = randn(*state_shape).requires_grad_()
    if kind == "LSTMCell":
        h, c = m(x, (inputs["h0"], inputs["c0"]) if states else None)
        outputs = {"h_n": h, "c_n": c}
    else:
        outputs = {"h_n": m(x, inputs.get("h0"))}
    probes = {k: randn(*v.shape) for k, v in outputs.items()}
    loss = sum((v * probes[k]).sum() for k, v in outputs.items())
    params = list(m.named_parameters())
    grads = torch.autograd.grad(loss, list(inputs.values()) + [p for _, p in params])
    cases.append({
        "name": name,
        "kind": kind,
        "config": config,
        "lengths": [],
        "parameters": [{"name": n, "value": tensor(p)} for n, p in params],
        "inputs": {k: tensor(v) for k, v in inputs.items()},
        "outputs": {k: tensor(v) for k, v in outputs.items()},
        "probes": {k: tensor(v) for k, v in probes.items()},
        "grads": {n: tensor(g) for n, g in zip(list(inputs) + [n for n, _ in params], grads)},
    })


module_case("lstm_2layer_bidirectional_states", "LSTM",
            dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), (5, 2, 3), h0=True, c0=True)
module_case("lstm_batch_first_zero_states", "LSTM", dict(input_size=3, hidden_size=2, batch_first=True), (3, 4, 3))
module_case("gru_2layer_batch_first_h0", "GRU",
            dict(input_size=3, hidden_size=4, num_layers=2, batch_first=True), (2, 5, 3), h0=True)
module_case("gru_bidirectional_no_bias", "GRU",
            dict(input_size=2, hidden_size=3, bias=False, bidirectional=True), (4, 3, 2), h0=True)
module_case("rnn_tanh_bidirectional_h0", "RNN",
            dict(input_size=3, hidden_size=4, bidirectional=True), (4, 2, 3), h0=True)
module_case("rnn_relu_2layer_no_bias", "RNN",
            dict(input_size=3, hidden_size=4, num_layers=2, nonlinearity="relu", bias=False), (4, 2, 3), h0=True)
module_case("lstm_lengths_2layer_bidirectional_batch_first", "LSTM",
            dict(input_size=3, hidden_size=4, num_layers=2, batch_first=True, bidirectional=True), (3, 5, 3),
            h0=True, c0=True, lengths=[3, 5, 1])
module_case("gru_lengths_bidirectional", "GRU",
            dict(input_size=3, hidden_size=4, bidirectional=True), (4, 3, 3), h0=True, lengths=[2, 4, 3])
module_case("rnn_lengths_2layer", "RNN",
            dict(input_size=2, hidden_size=3, num_layers=2), (4, 2, 2), lengths=[4, 2])
module_case("lstm_unbatched_2layer_bidirectional", "LSTM",
            dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True), (5, 3), h0=True, c0=True)
module_case("gru_unbatched", "GRU", dict(input_size=3, hidden_size=2), (4, 3))
cell_case("lstm_cell_states", "LSTMCell", dict(input_size=3, hidden_size=4), (2, 3), True)
cell_case("lstm_cell_unbatched_zero", "LSTMCell", dict(input_size=3, hidden_size=4), (3,), False)
cell_case("gru_cell_states", "GRUCell", dict(input_size=3, hidden_size=4), (2, 3), True)
cell_case("gru_cell_no_bias_unbatched", "GRUCell", dict(input_size=3, hidden_size=2, bias=False), (3,), True)
cell_case("rnn_cell_tanh", "RNNCell", dict(input_size=3, hidden_size=4), (2, 3), True)
cell_case("rnn_cell_relu_no_bias", "RNNCell", dict(input_size=3, hidden_size=4, nonlinearity="relu", bias=False),
          (2, 3), False)

with open("tests/data/rnn/torch_reference.json", "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f)
print(len(cases), "cases")
