#pragma once
// The ONNX graph an export writes into, and the one call each xgrad op's translation makes.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "xgrad/op_trace.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::io::onnx_export {

/// Appends nodes and constants to an ONNX graph, naming every value uniquely.
class GraphBuilder {
public:
    /// `element_type`: the ONNX element type of the model's tensors (FLOAT or DOUBLE).
    GraphBuilder(onnx::GraphProto& graph, onnx::TensorProto::DataType element_type)
        : graph_(graph), element_type_(element_type) {}

    onnx::TensorProto::DataType element_type() const { return element_type_; }

    /// A new value name: `stem`, or `stem_N` when taken.
    std::string fresh(const std::string& stem);

    /// Adds node `op_type` reading `inputs` ("" for an omitted optional input) and writing
    /// `output`; returns it for its attributes.
    onnx::NodeProto& node(const std::string& op_type, const std::vector<std::string>& inputs,
                          const std::string& output);
    /// Adds a node writing a fresh value named after `op_type`; returns that name.
    std::string value(const std::string& op_type, const std::vector<std::string>& inputs);

    /// An initializer named `name` holding `tensor` (float32 or float64, as the model).
    void initializer(const std::string& name, const Tensor& tensor);
    /// A constant with the model's element type holding `tensor`; returns its name.
    std::string constant(const Tensor& tensor);
    /// A 0-d constant with the model's element type.
    std::string scalar(double value);
    /// A 1-D int64 constant (shapes, axes, pads).
    std::string int64s(const std::vector<std::int64_t>& values);

private:
    onnx::GraphProto& graph_;
    onnx::TensorProto::DataType element_type_;
    std::unordered_set<std::string> taken_;
};

/// Sets attribute `name` of `node`.
void set_attribute(onnx::NodeProto& node, const std::string& name, std::int64_t value);
void set_attribute(onnx::NodeProto& node, const std::string& name, float value);
void set_attribute(onnx::NodeProto& node, const std::string& name,
                   const std::vector<std::int64_t>& values);

/// One op of the recorded graph, as its translation sees it.
struct OpCall {
    /// The op: the traced op's name, or the node's op when nothing was traced.
    const std::string& op;
    /// The traced record (attributes), or null for an op that records none.
    const TracedOp* traced;
    /// The op's tensor arguments and the names of their ONNX values ("" when undefined).
    const std::vector<Tensor>& inputs;
    const std::vector<std::string>& names;
    /// The op's result and the name its ONNX value must have.
    const Tensor& output;
    const std::string& output_name;

    /// The traced record; ValueError naming the op when there is none.
    const TracedOp& attributes() const;
};

/// Writes `call` as ONNX nodes into `graph`; ValueError naming the op and its input shapes when
/// it has no mapping.
void emit(GraphBuilder& graph, const OpCall& call);

}  // namespace xgrad::io::onnx_export
