#pragma once
/// \file state_dict.hpp
/// A serialisable snapshot of stateful objects (models, optimizers, schedules): named tensors plus
/// named strings. Its two parts map one-to-one onto a safetensors file (tensors and
/// `__metadata__`), so every state xgrad saves goes through one checkpoint format.

#include <map>
#include <string>

#include "xgrad/tensor.hpp"

namespace xgrad {

struct StateDict {
    /// Tensors by dotted name, e.g. "fc1.weight" or "state.0.exp_avg".
    std::map<std::string, Tensor> tensors;
    /// Everything else as text, e.g. "param_groups.0.lr" -> "0.1". Numbers are written with
    /// format_exact() so that they read back bit for bit (state_fields.hpp writes them).
    std::map<std::string, std::string> metadata;

    /// Copies every entry of `other` under `prefix` (e.g. "optimizer.").
    void merge(const StateDict& other, const std::string& prefix);
    /// The entries whose names start with `prefix`, with the prefix removed.
    StateDict extract(const std::string& prefix) const;
};

/// The shortest text that parses back to the same double ("0.1", "-0.5", "1e-08").
std::string format_exact(double value);
/// Parses text written by format_exact(); throws ValueError naming `what` on malformed text.
double parse_exact(const std::string& text, const std::string& what);

}  // namespace xgrad
