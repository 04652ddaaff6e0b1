// ONNX export: one forward pass under an OpTrace, then the recorded graph from the output back
// to the inputs, each op written by its translation (onnx_export_ops.cpp).
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "io/onnx_export_graph.hpp"
#include "platform/posix_file.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/grad_mode.hpp"
#include "xgrad/io/onnx.hpp"

namespace xgrad::io {
namespace onnx_export {

std::string GraphBuilder::fresh(const std::string& stem) {
    std::string name = stem;
    for (int n = 1; taken_.count(name); ++n) name = stem + "_" + std::to_string(n);
    taken_.insert(name);
    return name;
}

onnx::NodeProto& GraphBuilder::node(const std::string& op_type,
                                    const std::vector<std::string>& inputs,
                                    const std::string& output) {
    onnx::NodeProto& node = *graph_.add_node();
    node.set_op_type(op_type);
    node.set_name(output);
    for (const std::string& input : inputs) node.add_input(input);
    // ONNX omits trailing optional inputs rather than naming them "".
    while (node.input_size() > 0 && node.input(node.input_size() - 1).empty())
        node.mutable_input()->RemoveLast();
    node.add_output(output);
    return node;
}

std::string GraphBuilder::value(const std::string& op_type,
                                const std::vector<std::string>& inputs) {
    const std::string out = fresh(op_type);
    node(op_type, inputs, out);
    return out;
}

void GraphBuilder::initializer(const std::string& name, const Tensor& tensor) {
    onnx::TensorProto& t = *graph_.add_initializer();
    t.set_name(name);
    for (auto d : tensor.shape()) t.add_dims(static_cast<std::int64_t>(d));
    std::visit(
        [&](const auto& a) {
            using T = typename std::decay_t<decltype(a)>::value_type;
            t.set_data_type(std::is_same_v<T, float> ? onnx::TensorProto::FLOAT
                                                     : onnx::TensorProto::DOUBLE);
            // raw_data is little-endian, as every platform xgrad builds on.
            t.set_raw_data(a.data(), a.size() * sizeof(T));
        },
        array_of(tensor));
}

std::string GraphBuilder::constant(const Tensor& tensor) {
    const std::string name = fresh("const");
    initializer(name, tensor);
    return name;
}

std::string GraphBuilder::scalar(double value) {
    return constant(Tensor(
        value, element_type_ == onnx::TensorProto::DOUBLE ? DType::Float64 : DType::Float32));
}

std::string GraphBuilder::int64s(const std::vector<std::int64_t>& values) {
    const std::string name = fresh("const");
    onnx::TensorProto& t = *graph_.add_initializer();
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_dims(static_cast<std::int64_t>(values.size()));
    for (std::int64_t v : values) t.add_int64_data(v);
    return name;
}

void set_attribute(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
    onnx::AttributeProto& a = *node.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(value);
}

void set_attribute(onnx::NodeProto& node, const std::string& name, float value) {
    onnx::AttributeProto& a = *node.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::FLOAT);
    a.set_f(value);
}

void set_attribute(onnx::NodeProto& node, const std::string& name,
                   const std::vector<std::int64_t>& values) {
    onnx::AttributeProto& a = *node.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INTS);
    for (std::int64_t v : values) a.add_ints(v);
}

namespace {

/// A graph input or output of `shape`, its leading axis the free batch axis when `batched`.
void declare(onnx::ValueInfoProto& info, const std::string& name, const Shape& shape,
             onnx::TensorProto::DataType type, bool batched) {
    info.set_name(name);
    auto& tensor_type = *info.mutable_type()->mutable_tensor_type();
    tensor_type.set_elem_type(type);
    auto& dims = *tensor_type.mutable_shape();
    for (std::size_t i = 0; i < shape.size(); ++i) {
        auto& d = *dims.add_dim();
        if (i == 0 && batched)
            d.set_dim_param("batch");
        else
            d.set_dim_value(static_cast<std::int64_t>(shape[i]));
    }
}

/// An op of the recorded graph: what the trace says of a node, or else the node itself.
struct RecordedOp {
    std::string op;
    const TracedOp* traced;
    const std::vector<Tensor>& inputs;
};

RecordedOp recorded(const OpTrace& trace, const Tensor& t) {
    if (const TracedOp* traced = trace.find(t)) return {traced->op, traced, traced->inputs};
    return {t.node()->op, nullptr, t.node()->inputs};
}

/// The recorded graph from `output` back to the named values, inputs before the ops that read
/// them; iterative, so that a graph of any depth fits.
std::vector<Tensor> in_order(const OpTrace& trace, const Tensor& output,
                             const std::unordered_map<const Node*, std::string>& named) {
    std::vector<Tensor> order;
    std::unordered_map<const Node*, bool> done;  // false: its inputs are being visited
    std::vector<Tensor> stack{output};
    while (!stack.empty()) {
        const Tensor t = stack.back();
        const Node* n = t.node().get();
        if (named.count(n) || (done.count(n) && done[n])) {
            stack.pop_back();
            continue;
        }
        if (done.count(n)) {  // its inputs are all in order now
            done[n] = true;
            order.push_back(t);
            stack.pop_back();
            continue;
        }
        done[n] = false;
        for (const Tensor& in : recorded(trace, t).inputs)
            if (in.defined() && !done.count(in.node().get())) stack.push_back(in);
    }
    return order;
}

/// Calls module.eval() for its lifetime and restores the mode after, also when an export throws.
class EvalMode {
public:
    explicit EvalMode(nn::Module& module) : module_(module), was_training_(module.is_training()) {
        module_.eval();
    }
    ~EvalMode() { module_.train(was_training_); }
    EvalMode(const EvalMode&) = delete;
    EvalMode& operator=(const EvalMode&) = delete;

private:
    nn::Module& module_;
    bool was_training_;
};

}  // namespace
}  // namespace onnx_export

void export_onnx(nn::Module& module, const std::vector<Tensor>& example_inputs,
                 const std::string& path) {
    using namespace onnx_export;
    if (example_inputs.size() != 1)
        throw ValueError(
            "export_onnx: expected one example input (a module's forward takes one), "
            "got " +
            std::to_string(example_inputs.size()));
    // The input requires grad so that every op reading it is recorded: an op on values that
    // need no gradient returns a leaf, which would be written as a constant.
    Tensor input = example_inputs[0].detach();
    input.requires_grad_(true);
    const auto type =
        input.dtype() == DType::Float64 ? onnx::TensorProto::DOUBLE : onnx::TensorProto::FLOAT;

    OpTrace trace;
    Tensor output;
    {
        EvalMode eval(module);
        GradModeGuard grad(true);
        output = module(input);
    }

    onnx::ModelProto model;
    model.set_ir_version(onnx::IR_VERSION);
    model.set_producer_name("xgrad");
    auto& opset = *model.add_opset_import();
    opset.set_domain("");
    opset.set_version(17);
    auto& graph = *model.mutable_graph();
    graph.set_name("xgrad");
    GraphBuilder builder(graph, type);

    std::unordered_map<const Node*, std::string> names;
    names[input.node().get()] = builder.fresh("input");
    declare(*graph.add_input(), "input", input.shape(), type, true);
    // Parameters and buffers by their state_dict names; each becomes an initializer when an op
    // reads it (a buffer such as num_batches_tracked is not part of inference).
    std::unordered_map<const Node*, Tensor> unwritten;
    for (const auto& named : {module.named_parameters(), module.named_buffers()})
        for (const auto& [name, tensor] : named)
            if (!names.count(tensor.node().get())) {  // a tensor registered twice: once
                names[tensor.node().get()] = builder.fresh(name);
                unwritten[tensor.node().get()] = tensor;
            }
    if (names.count(output.node().get()))
        throw ValueError("export_onnx: the module returns " + names.at(output.node().get()) +
                         " unchanged (expected a computed output)");

    for (const Tensor& t : in_order(trace, output, names)) {
        const RecordedOp op = recorded(trace, t);
        const std::string out =
            t.node() == output.node() ? builder.fresh("output") : builder.fresh(op.op);
        names[t.node().get()] = out;
        if (!op.traced && op.inputs.empty()) {  // a leaf computed from constants only
            builder.initializer(out, t);
            continue;
        }
        std::vector<std::string> input_names;
        for (const Tensor& in : op.inputs) {
            if (!in.defined()) {
                input_names.emplace_back();
                continue;
            }
            const Node* n = in.node().get();
            input_names.push_back(names.at(n));
            if (const auto it = unwritten.find(n); it != unwritten.end()) {
                builder.initializer(input_names.back(), it->second);
                unwritten.erase(it);
            }
        }
        emit(builder, OpCall{op.op, op.traced, op.inputs, input_names, t, out});
    }
    // The output is batched when its leading axis is the input's (a model that reduces over the
    // batch has a fixed output shape).
    const bool batched =
        output.dim() > 0 && input.dim() > 0 && output.shape()[0] == input.shape()[0];
    declare(*graph.add_output(), "output", output.shape(), type, batched);

    try {
        onnx::checker::check_model(model);
        onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(true, 1));
    } catch (const std::exception& e) {
        throw ValueError(std::string("export_onnx: the ONNX checker rejected the model: ") +
                         e.what());
    }
    const std::string bytes = model.SerializeAsString();
    detail::write_atomically(
        path, [&](int fd) { detail::write_all(fd, bytes.data(), bytes.size(), path); });
}

}  // namespace xgrad::io
