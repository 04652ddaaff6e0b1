// ONNX export: walks the graph recorded by one forward pass and writes each node as ONNX nodes.
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/grad_mode.hpp"
#include "xgrad/io/onnx.hpp"

namespace xgrad::io {
namespace {

void fill_tensor(onnx::TensorProto& t, const std::string& name, const Tensor& x) {
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (auto d : x.shape()) t.add_dims(static_cast<std::int64_t>(d));
    std::visit(
        [&](const auto& a) {
            for (auto v : a) t.add_float_data(static_cast<float>(v));
        },
        array_of(x));
}

void set_value_info(onnx::ValueInfoProto& info, const std::string& name, const Shape& shape) {
    info.set_name(name);
    auto* tt = info.mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    auto* s = tt->mutable_shape();
    for (std::size_t i = 0; i < shape.size(); ++i) {
        auto* d = s->add_dim();
        if (i == 0)
            d->set_dim_param("batch");
        else
            d->set_dim_value(static_cast<std::int64_t>(shape[i]));
    }
}

// The axis of a (log_)softmax, read from its value: the one axis along which exp(out) (or out)
// sums to 1 everywhere. (Node records no attributes.)
std::int64_t softmax_axis(const Tensor& out, bool log) {
    const auto a = std::visit([](const auto& v) { return xt::xarray<double>(xt::cast<double>(v)); },
                              array_of(out));
    const xt::xarray<double> p = log ? xt::eval(xt::exp(a)) : a;
    for (std::size_t ax = p.dimension(); ax-- > 0;) {
        const xt::xarray<double> s = xt::sum(p, {ax});
        bool ok = true;
        for (double v : s) ok = ok && std::abs(v - 1.0) < 1e-3;
        if (ok) return static_cast<std::int64_t>(ax);
    }
    throw ValueError("export_onnx: could not recover the axis of a softmax/log_softmax node");
}

}  // namespace

void export_onnx(nn::Module& module, const std::vector<Tensor>& example_inputs,
                 const std::string& path) {
    if (example_inputs.size() != 1)
        throw ValueError("export_onnx: expected one example input, got " +
                         std::to_string(example_inputs.size()));
    Tensor output;
    {
        GradModeGuard grad(true);
        output = module(example_inputs[0]);
    }
    onnx::ModelProto model;
    model.set_ir_version(onnx::IR_VERSION);
    model.set_producer_name("xgrad");
    auto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(13);
    auto* graph = model.mutable_graph();
    graph->set_name("xgrad");

    std::unordered_map<const Node*, std::string> names;
    names[example_inputs[0].node().get()] = "input";
    set_value_info(*graph->add_input(), "input", example_inputs[0].shape());
    for (const auto& [name, p] : module.named_parameters()) {
        names[p.node().get()] = name;
        fill_tensor(*graph->add_initializer(), name, p);
    }

    // Post-order over the graph, iterative.
    std::vector<Tensor> order;
    std::unordered_map<const Node*, bool> seen;
    std::vector<std::pair<Tensor, std::size_t>> stack{{output, 0}};
    while (!stack.empty()) {
        auto& [t, i] = stack.back();
        const Node* n = t.node().get();
        if (names.count(n) || (i == 0 && seen[n])) {
            stack.pop_back();
            continue;
        }
        seen[n] = true;
        if (i < n->inputs.size()) {
            const Tensor next = n->inputs[i++];
            stack.emplace_back(next, 0);
            continue;
        }
        order.push_back(t);
        stack.pop_back();
    }
    int counter = 0;
    for (const Tensor& t : order) {
        const Node* n = t.node().get();
        const std::string op = n->op;
        if (n->inputs.empty()) {  // a constant
            const std::string name = "const_" + std::to_string(counter++);
            fill_tensor(*graph->add_initializer(), name, t);
            names[n] = name;
            continue;
        }
        const std::string out = op + "_" + std::to_string(counter++);
        names[n] = out;
        auto* node = graph->add_node();
        node->set_name(out);
        for (const Tensor& in : n->inputs) node->add_input(names.at(in.node().get()));
        node->add_output(out);
        static const std::map<std::string, std::string> simple = {
            {"add", "Add"},   {"sub", "Sub"},         {"mul", "Mul"},   {"div", "Div"},
            {"relu", "Relu"}, {"sigmoid", "Sigmoid"}, {"tanh", "Tanh"}, {"exp", "Exp"},
            {"log", "Log"},   {"neg", "Neg"}};
        if (auto it = simple.find(op); it != simple.end()) {
            node->set_op_type(it->second);
        } else if (op == "linear" && n->inputs[0].dim() == 2) {
            node->set_op_type("Gemm");
            auto* a = node->add_attribute();
            a->set_name("transB");
            a->set_type(onnx::AttributeProto::INT);
            a->set_i(1);
        } else if (op == "log_softmax" || op == "softmax") {
            node->set_op_type(op == "softmax" ? "Softmax" : "LogSoftmax");
            auto* a = node->add_attribute();
            a->set_name("axis");
            a->set_type(onnx::AttributeProto::INT);
            a->set_i(softmax_axis(t, op == "log_softmax"));
        } else if (op == "reshape") {
            node->set_op_type("Reshape");
            const std::string shape_name = out + "_shape";
            auto* s = graph->add_initializer();
            s->set_name(shape_name);
            s->set_data_type(onnx::TensorProto::INT64);
            s->add_dims(static_cast<std::int64_t>(t.dim()));
            for (std::size_t i = 0; i < t.dim(); ++i)
                s->add_int64_data(i == 0 ? -1 : static_cast<std::int64_t>(t.shape()[i]));
            node->add_input(shape_name);
        } else {
            throw ValueError("export_onnx: op '" + op + "' has no ONNX mapping");
        }
    }
    set_value_info(*graph->add_output(), names.at(output.node().get()), output.shape());
    onnx::checker::check_model(model);
    onnx::shape_inference::InferShapes(model);
    std::ofstream file(path, std::ios::binary);
    if (!file || !model.SerializeToOstream(&file))
        throw IOError("export_onnx: cannot write " + path);
}

}  // namespace xgrad::io
