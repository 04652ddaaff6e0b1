// Each xgrad op as ONNX nodes (opset 17): one translation per op, looked up by the op's name.
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "io/onnx_export_graph.hpp"
#include "xgrad/error.hpp"
#include "xgrad/ops/pad.hpp"

namespace xgrad::io::onnx_export {
namespace {

using Translation = std::function<void(GraphBuilder&, const OpCall&)>;

std::vector<std::int64_t> dims(const Shape& shape) {
    return std::vector<std::int64_t>(shape.begin(), shape.end());
}

std::string shapes_of(const std::vector<Tensor>& inputs) {
    std::string s;
    for (const Tensor& t : inputs) s += (s.empty() ? "" : ", ") + shape_str(t.shape());
    return s;
}

[[noreturn]] void unsupported(const OpCall& call, const std::string& why) {
    throw ValueError("export_onnx: " + call.op + " (inputs " + shapes_of(call.inputs) + ") " + why);
}

/// The ONNX op `type` on the op's inputs, written to its output.
Translation same_as(std::string type) {
    return [type = std::move(type)](GraphBuilder& g, const OpCall& c) {
        g.node(type, c.names, c.output_name);
    };
}

/// The ONNX binary op `type` between the input and the op's scalar, in that order or reversed.
Translation with_scalar(std::string type, bool scalar_first) {
    return [type = std::move(type), scalar_first](GraphBuilder& g, const OpCall& c) {
        const std::string s = g.scalar(c.attributes().real("scalar"));
        g.node(type, scalar_first ? std::vector{s, c.names[0]} : std::vector{c.names[0], s},
               c.output_name);
    };
}

/// The name of an optional per-channel input, or a constant `fill` of `size` values.
std::string or_filled(GraphBuilder& g, const OpCall& c, std::size_t i, const Shape& shape,
                      double fill) {
    if (c.inputs[i].defined()) return c.names[i];
    return g.constant(full(shape, fill, c.output.dtype()));
}

/// Softmax and LogSoftmax along the traced axis (opset 13's per-axis definition, torch's).
Translation softmax_like(std::string type) {
    return [type = std::move(type)](GraphBuilder& g, const OpCall& c) {
        set_attribute(g.node(type, c.names, c.output_name), "axis", c.attributes().integer("axis"));
    };
}

void linear(GraphBuilder& g, const OpCall& c) {
    if (c.inputs[0].dim() == 2) {  // y = x W^T + b is Gemm's own form
        set_attribute(g.node("Gemm", c.names, c.output_name), "transB", std::int64_t{1});
        return;
    }
    const std::string wt = g.value("Transpose", {c.names[1]});
    if (c.names.size() == 2) {
        g.node("MatMul", {c.names[0], wt}, c.output_name);
        return;
    }
    g.node("Add", {g.value("MatMul", {c.names[0], wt}), c.names[2]}, c.output_name);
}

/// The last two axes of `name` (a tensor of rank `rank`) swapped.
std::string transposed(GraphBuilder& g, const std::string& name, std::size_t rank) {
    std::vector<std::int64_t> perm(rank);
    for (std::size_t i = 0; i < rank; ++i) perm[i] = static_cast<std::int64_t>(i);
    std::swap(perm[rank - 1], perm[rank - 2]);
    const std::string out = g.fresh("Transpose");
    set_attribute(g.node("Transpose", {name}, out), "perm", perm);
    return out;
}

void matmul(GraphBuilder& g, const OpCall& c) {
    const TracedOp& t = c.attributes();
    std::string a = c.names[0], b = c.names[1];
    if (t.integer("transpose_a")) a = transposed(g, a, c.inputs[0].dim());
    if (t.integer("transpose_b")) b = transposed(g, b, c.inputs[1].dim());
    g.node("MatMul", {a, b}, c.output_name);
}

/// Reshape to the output's shape; an unchanged leading (batch) axis is written 0, "copy the
/// input's", so that the batch size stays free.
void reshape(GraphBuilder& g, const OpCall& c) {
    std::vector<std::int64_t> shape = dims(c.output.shape());
    const Shape& in = c.inputs[0].shape();
    if (!shape.empty() && !in.empty() && shape[0] == static_cast<std::int64_t>(in[0])) shape[0] = 0;
    g.node("Reshape", {c.names[0], g.int64s(shape)}, c.output_name);
}

void convolution(GraphBuilder& g, const OpCall& c, const std::string& type) {
    const TracedOp& t = c.attributes();
    std::vector<std::string> inputs{c.names[0], c.names[1]};
    if (c.inputs[2].defined()) inputs.push_back(c.names[2]);
    auto& node = g.node(type, inputs, c.output_name);
    const Shape& w = c.inputs[1].shape();
    set_attribute(node, "kernel_shape", std::vector<std::int64_t>(w.begin() + 2, w.end()));
    for (const char* name : {"strides", "pads", "dilations"})
        set_attribute(node, name, t.integers(name));
    set_attribute(node, "group", t.integer("group"));
    if (type == "ConvTranspose")
        set_attribute(node, "output_padding", t.integers("output_padding"));
}

void pooling(GraphBuilder& g, const OpCall& c, const std::string& type) {
    const TracedOp& t = c.attributes();
    if (t.attributes.count("divisor_override"))
        unsupported(c, "with divisor_override has no ONNX AveragePool form");
    auto& node = g.node(type, c.names, c.output_name);
    for (const char* name : {"kernel_shape", "strides", "pads"})
        set_attribute(node, name, t.integers(name));
    set_attribute(node, "ceil_mode", t.integer("ceil_mode"));
    if (type == "MaxPool")
        set_attribute(node, "dilations", t.integers("dilations"));
    else
        set_attribute(node, "count_include_pad", t.integer("count_include_pad"));
}

/// An adaptive pooling is a global one for a 1x1 output and a regular one when every output
/// cell covers an equal block of the input; other sizes have overlapping windows ONNX lacks.
Translation adaptive(std::string global, std::string regular) {
    return [global = std::move(global), regular = std::move(regular)](GraphBuilder& g,
                                                                      const OpCall& c) {
        const std::vector<std::int64_t>& out = c.attributes().integers("output_size");
        const Shape& in = c.inputs[0].shape();
        const std::int64_t h = static_cast<std::int64_t>(in[in.size() - 2]);
        const std::int64_t w = static_cast<std::int64_t>(in[in.size() - 1]);
        if (out[0] == 1 && out[1] == 1) {
            g.node(global, c.names, c.output_name);
            return;
        }
        if (out[0] == 0 || out[1] == 0 || h % out[0] != 0 || w % out[1] != 0)
            unsupported(c, "to output size " + std::to_string(out[0]) + "x" +
                               std::to_string(out[1]) +
                               " has unequal windows (expected a 1x1 output or an input size "
                               "divisible by the output size)");
        const std::vector<std::int64_t> kernel{h / out[0], w / out[1]};
        auto& node = g.node(regular, c.names, c.output_name);
        set_attribute(node, "kernel_shape", kernel);
        set_attribute(node, "strides", kernel);
    };
}

void batch_norm(GraphBuilder& g, const OpCall& c) {
    const TracedOp& t = c.attributes();
    if (t.integer("training"))
        unsupported(c, "in training mode has no ONNX inference form (export calls eval())");
    if (!c.inputs[3].defined())
        unsupported(c, "without running statistics has no ONNX inference form");
    const Shape channels{c.inputs[0].shape()[1]};
    auto& node = g.node("BatchNormalization",
                        {c.names[0], or_filled(g, c, 1, channels, 1.0),
                         or_filled(g, c, 2, channels, 0.0), c.names[3], c.names[4]},
                        c.output_name);
    set_attribute(node, "epsilon", static_cast<float>(t.real("eps")));
}

void layer_norm(GraphBuilder& g, const OpCall& c) {
    const TracedOp& t = c.attributes();
    const std::int64_t axis = t.integer("axis");
    const Shape& in = c.inputs[0].shape();
    const Shape normalized(in.end() + axis, in.end());
    auto& node = g.node(
        "LayerNormalization",
        {c.names[0], or_filled(g, c, 1, normalized, 1.0), or_filled(g, c, 2, normalized, 0.0)},
        c.output_name);
    set_attribute(node, "axis", axis);
    set_attribute(node, "epsilon", static_cast<float>(t.real("eps")));
}

/// Group normalization as PyTorch exports it: InstanceNormalization over (N, groups, rest), back
/// to the input's shape, then the per-channel affine.
void group_norm(GraphBuilder& g, const OpCall& c) {
    const TracedOp& t = c.attributes();
    const auto groups = t.integer("num_groups");
    const Shape& in = c.inputs[0].shape();
    const std::string grouped = g.value("Reshape", {c.names[0], g.int64s({0, groups, -1})});
    const Shape per_group{static_cast<std::size_t>(groups)};
    const auto dtype = c.output.dtype();
    const std::string ones = g.constant(full(per_group, 1.0, dtype));
    const std::string zeros = g.constant(full(per_group, 0.0, dtype));
    const std::string normalized = g.fresh("InstanceNormalization");
    set_attribute(g.node("InstanceNormalization", {grouped, ones, zeros}, normalized), "epsilon",
                  static_cast<float>(t.real("eps")));
    const bool affine = c.inputs[1].defined() || c.inputs[2].defined();
    const std::string restored = affine ? g.fresh("Reshape") : c.output_name;
    g.node("Reshape", {normalized, g.value("Shape", {c.names[0]})}, restored);
    if (!affine) return;
    std::vector<std::int64_t> channel_shape(in.size() - 1, 1);  // (C, 1, ...) broadcasts
    channel_shape[0] = static_cast<std::int64_t>(in[1]);
    const std::string shape = g.int64s(channel_shape);
    const Shape channels{in[1]};
    const std::string scale = g.value("Reshape", {or_filled(g, c, 1, channels, 1.0), shape});
    const std::string shift = g.value("Reshape", {or_filled(g, c, 2, channels, 0.0), shape});
    g.node("Add", {g.value("Mul", {restored, scale}), shift}, c.output_name);
}

/// Embedding indices are float tensors in xgrad (it has no integer dtype): cast, then Gather.
void embedding(GraphBuilder& g, const OpCall& c) {
    const std::string index = g.fresh("Cast");
    set_attribute(g.node("Cast", {c.names[0]}, index), "to",
                  std::int64_t{onnx::TensorProto::INT64});
    g.node("Gather", {c.names[1], index}, c.output_name);
}

void pad(GraphBuilder& g, const OpCall& c) {
    const TracedOp& t = c.attributes();
    // torch lists (before, after) from the last axis backwards; ONNX all befores, then afters.
    const std::vector<std::int64_t>& sizes = t.integers("pads");
    const std::size_t rank = c.inputs[0].dim();
    std::vector<std::int64_t> pads(2 * rank, 0);
    for (std::size_t k = 0; k < sizes.size() / 2; ++k) {
        pads[rank - 1 - k] = sizes[2 * k];
        pads[2 * rank - 1 - k] = sizes[2 * k + 1];
    }
    const auto mode = static_cast<PadMode>(t.integer("mode"));
    auto& node =
        g.node("Pad", {c.names[0], g.int64s(pads), g.scalar(t.real("value"))}, c.output_name);
    onnx::AttributeProto* a = node.add_attribute();
    a->set_name("mode");
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(mode == PadMode::Constant  ? "constant"
             : mode == PadMode::Reflect ? "reflect"
                                        : "edge");
}

void reduction(GraphBuilder& g, const OpCall& c, const std::string& type) {
    const TracedOp& t = c.attributes();
    const std::vector<std::int64_t>& axes = t.integers("axes");
    if (type == "ReduceSum") {  // axes became an input in opset 13
        auto& node = g.node(type, {c.names[0], g.int64s(axes)}, c.output_name);
        set_attribute(node, "keepdims", t.integer("keepdims"));
        return;
    }
    auto& node = g.node(type, {c.names[0]}, c.output_name);
    set_attribute(node, "axes", axes);
    set_attribute(node, "keepdims", t.integer("keepdims"));
}

void clamp(GraphBuilder& g, const OpCall& c) {
    const TracedOp& t = c.attributes();
    const auto bound = [&](const char* name) {
        return t.attributes.count(name) ? g.scalar(t.real(name)) : std::string();
    };
    g.node("Clip", {c.names[0], bound("min"), bound("max")}, c.output_name);
}

/// softplus(βx)/β; above the threshold torch returns x, which this matches to within
/// log1p(e^-threshold)/β.
void softplus_beta(GraphBuilder& g, const OpCall& c) {
    const std::string beta = g.scalar(c.attributes().real("beta"));
    const std::string soft = g.value("Softplus", {g.value("Mul", {c.names[0], beta})});
    g.node("Div", {soft, beta}, c.output_name);
}

/// log σ(x) = -softplus(-x).
void log_sigmoid(GraphBuilder& g, const OpCall& c) {
    g.node("Neg", {g.value("Softplus", {g.value("Neg", c.names)})}, c.output_name);
}

void permute(GraphBuilder& g, const OpCall& c) {
    set_attribute(g.node("Transpose", c.names, c.output_name), "perm",
                  c.attributes().integers("perm"));
}

void concat(GraphBuilder& g, const OpCall& c) {
    set_attribute(g.node("Concat", c.names, c.output_name), "axis", c.attributes().integer("axis"));
}

void leaky_relu(GraphBuilder& g, const OpCall& c) {
    set_attribute(g.node("LeakyRelu", c.names, c.output_name), "alpha",
                  static_cast<float>(c.attributes().real("negative_slope")));
}

void broadcast_to(GraphBuilder& g, const OpCall& c) {
    g.node("Expand", {c.names[0], g.int64s(dims(c.output.shape()))}, c.output_name);
}

void cast(GraphBuilder& g, const OpCall& c) {
    set_attribute(g.node("Cast", c.names, c.output_name), "to",
                  std::int64_t{c.output.dtype() == DType::Float64 ? onnx::TensorProto::DOUBLE
                                                                  : onnx::TensorProto::FLOAT});
}

const std::map<std::string, Translation>& translations() {
    using std::placeholders::_1;
    using std::placeholders::_2;
    static const std::map<std::string, Translation> table = {
        {"add", same_as("Add")},
        {"sub", same_as("Sub")},
        {"mul", same_as("Mul")},
        {"div", same_as("Div")},
        {"pow", same_as("Pow")},
        {"maximum", same_as("Max")},
        {"minimum", same_as("Min")},
        {"neg", same_as("Neg")},
        {"abs", same_as("Abs")},
        {"sign", same_as("Sign")},
        {"exp", same_as("Exp")},
        {"log", same_as("Log")},
        {"sqrt", same_as("Sqrt")},
        {"tanh", same_as("Tanh")},
        {"sigmoid", same_as("Sigmoid")},
        {"relu", same_as("Relu")},
        {"softplus", same_as("Softplus")},
        {"alias", same_as("Identity")},
        {"add_scalar", with_scalar("Add", false)},
        {"sub_scalar", with_scalar("Sub", false)},
        {"rsub_scalar", with_scalar("Sub", true)},
        {"mul_scalar", with_scalar("Mul", false)},
        {"div_scalar", with_scalar("Div", false)},
        {"rdiv_scalar", with_scalar("Div", true)},
        {"pow_scalar", with_scalar("Pow", false)},
        {"rpow_scalar", with_scalar("Pow", true)},
        {"softmax", softmax_like("Softmax")},
        {"log_softmax", softmax_like("LogSoftmax")},
        {"log_sigmoid", log_sigmoid},
        {"softplus_beta", softplus_beta},
        {"leaky_relu", leaky_relu},
        {"clamp", clamp},
        {"linear", linear},
        {"matmul", matmul},
        {"reshape", reshape},
        {"permute", permute},
        {"concat", concat},
        {"broadcast_to", broadcast_to},
        {"to", cast},
        {"sum", std::bind(reduction, _1, _2, "ReduceSum")},
        {"mean", std::bind(reduction, _1, _2, "ReduceMean")},
        {"conv", std::bind(convolution, _1, _2, "Conv")},
        {"conv_transpose", std::bind(convolution, _1, _2, "ConvTranspose")},
        {"max_pool", std::bind(pooling, _1, _2, "MaxPool")},
        {"avg_pool", std::bind(pooling, _1, _2, "AveragePool")},
        {"adaptive_avg_pool2d", adaptive("GlobalAveragePool", "AveragePool")},
        {"adaptive_max_pool2d", adaptive("GlobalMaxPool", "MaxPool")},
        {"batch_norm", batch_norm},
        {"layer_norm", layer_norm},
        {"group_norm", group_norm},
        {"embedding", embedding},
        {"pad", pad},
    };
    return table;
}

}  // namespace

const TracedOp& OpCall::attributes() const {
    if (!traced)
        throw ValueError("export_onnx: op " + op +
                         " was recorded without its attributes (was it called outside the "
                         "traced forward?)");
    return *traced;
}

void emit(GraphBuilder& graph, const OpCall& call) {
    const auto& table = translations();
    const auto it = table.find(call.op);
    if (it == table.end()) unsupported(call, "has no ONNX mapping");
    it->second(graph, call);
}

}  // namespace xgrad::io::onnx_export
