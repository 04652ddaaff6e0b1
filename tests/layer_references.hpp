#pragma once
// The PyTorch reference cases of tests/data/layers/torch_reference.json (written by
// tests/make_layer_references.py): each op's inputs, arguments, output and the gradients of
// sum(output * probe), and how to run the same op in xgrad.

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "helpers.hpp"

namespace xgrad::testing {

/// A tensor of `dtype` from a {"shape": [...], "data": [...]} entry.
inline Tensor from_json(const nlohmann::json& j, DType dtype = DType::Float64) {
    Shape shape;
    for (const auto& s : j["shape"]) shape.push_back(s.get<std::size_t>());
    xt::xarray<double> values = xt::empty<double>(shape);
    std::size_t i = 0;
    for (const auto& v : j["data"]) values.data()[i++] = v.get<double>();
    return Tensor(values).to(dtype).detach();
}

inline IndexArray indices_from_json(const nlohmann::json& j) {
    Shape shape;
    for (const auto& s : j["shape"]) shape.push_back(s.get<std::size_t>());
    IndexArray index = IndexArray::from_shape(shape);
    std::size_t i = 0;
    for (const auto& v : j["data"]) index.data()[i++] = static_cast<std::int64_t>(v.get<double>());
    return index;
}

inline nlohmann::json load_layer_references() {
    std::ifstream in(std::string(XGRAD_TEST_DATA_DIR) + "/layers/torch_reference.json");
    BOOST_REQUIRE_MESSAGE(in.good(),
                          "tests/data/layers/torch_reference.json is missing: run "
                          "/usr/bin/python3 tests/make_layer_references.py (apt install "
                          "python3-torch)");
    return nlohmann::json::parse(in);
}

inline Pair2 pair(const nlohmann::json& j) {
    return {j[0].get<std::size_t>(), j[1].get<std::size_t>()};
}

inline ConvPadding conv_padding(const nlohmann::json& j) {
    if (j.is_string()) return ConvPadding(j.get<std::string>());
    if (j.is_array()) return ConvPadding(pair(j));
    return ConvPadding(j.get<std::size_t>());
}

/// Runs case `c`'s op in xgrad on `in` (named as in the case); `state` receives the running
/// statistics of batch_norm.
inline Tensor run_reference_op(const nlohmann::json& c, const std::map<std::string, Tensor>& in,
                               std::map<std::string, Tensor>& state) {
    const std::string op = c["op"];
    const auto& a = c["args"];
    const auto get = [&](const char* name) {
        const auto found = in.find(name);
        return found == in.end() ? Tensor() : found->second;
    };
    const Tensor x = get("x");
    if (op == "conv2d")
        return conv2d(x, get("weight"), get("bias"), pair(a["stride"]), conv_padding(a["padding"]),
                      pair(a["dilation"]), a["groups"]);
    if (op == "conv1d")
        return conv1d(x, get("weight"), get("bias"), a["stride"], conv_padding(a["padding"]),
                      a["dilation"], a["groups"]);
    if (op == "conv_transpose2d")
        return conv_transpose2d(x, get("weight"), get("bias"), pair(a["stride"]),
                                pair(a["padding"]), pair(a["output_padding"]), a["groups"],
                                pair(a["dilation"]));
    if (op == "max_pool2d")
        return max_pool2d(x, pair(a["kernel"]), pair(a["stride"]), pair(a["padding"]),
                          pair(a["dilation"]), a["ceil_mode"]);
    if (op == "max_pool1d")
        return max_pool1d(x, a["kernel"], a["stride"].get<std::size_t>(), a["padding"],
                          a["dilation"], a["ceil_mode"]);
    if (op == "avg_pool2d") {
        const std::size_t divisor = a["divisor_override"];
        return avg_pool2d(x, pair(a["kernel"]), pair(a["stride"]), pair(a["padding"]),
                          a["ceil_mode"], a["count_include_pad"],
                          divisor ? std::optional<std::size_t>(divisor) : std::nullopt);
    }
    if (op == "avg_pool1d")
        return avg_pool1d(x, a["kernel"], a["stride"].get<std::size_t>(), a["padding"],
                          a["ceil_mode"], a["count_include_pad"]);
    if (op == "adaptive_avg_pool2d") return adaptive_avg_pool2d(x, pair(a["output_size"]));
    if (op == "adaptive_max_pool2d") return adaptive_max_pool2d(x, pair(a["output_size"]));
    if (op == "batch_norm") {
        state["running_mean"] = from_json(a["running_mean"], x.dtype());
        state["running_var"] = from_json(a["running_var"], x.dtype());
        return batch_norm(x, state["running_mean"], state["running_var"], get("weight"),
                          get("bias"), a["training"], a["momentum"], a["eps"]);
    }
    if (op == "layer_norm") {
        Shape normalized;
        for (const auto& s : a["normalized_shape"]) normalized.push_back(s.get<std::size_t>());
        return layer_norm(x, normalized, get("weight"), get("bias"), a["eps"]);
    }
    if (op == "group_norm")
        return group_norm(x, a["num_groups"], get("weight"), get("bias"), a["eps"]);
    if (op == "embedding")
        return embedding(indices_from_json(c["inputs"]["indices"]), get("weight"),
                         a["padding_idx"].get<std::int64_t>());
    if (op == "pad")
        return pad(x, a["pads"].get<std::vector<std::int64_t>>(), a["mode"].get<std::string>(),
                   a["value"]);
    BOOST_FAIL("unknown reference op " + op);
    return Tensor();
}

}  // namespace xgrad::testing
