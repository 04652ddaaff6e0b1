#pragma once
/// \file op_trace.hpp
/// OpTrace: what ops say about themselves while an exporter watches a forward pass.
///
/// A node keeps its op's name and inputs, but not the settings its backward closure captured
/// (a softmax's axis, a convolution's stride and padding, a normalization's eps), and a composite
/// op (batch_norm in evaluation, layer_norm, a convolution with "same" padding) leaves several
/// nodes where an exporter wants one. While an OpTrace is open on a thread, each op that an
/// exporter maps records its name, its inputs as the caller passed them and its attributes
/// against the node it returns; an op that calls another records after it, so the outermost op
/// is the one kept. Outside a trace an op pays one test and records nothing.
///
/// An op records itself so:
/// \code
/// Tensor y = make_op("softmax", ...);
/// if (OpTrace* trace = OpTrace::current()) trace->record(y, "softmax", {x}, {{"axis", ax}});
/// return y;
/// \endcode

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// One attribute of a traced op: an integer (sizes, flags and axes too), a real, or a list of
/// integers (a stride per axis, padding, a shape).
using OpAttribute = std::variant<std::int64_t, double, std::vector<std::int64_t>>;

/// The attributes of a traced op by name.
using OpAttributes = std::map<std::string, OpAttribute>;

/// What one op recorded about the node it returned.
struct TracedOp {
    /// The op as the user called it ("conv2d", "batch_norm", ...).
    std::string op;
    /// Its tensor arguments in the order the op documents them; an optional one that was not
    /// given is an undefined Tensor.
    std::vector<Tensor> inputs;
    /// Its non-tensor arguments.
    OpAttributes attributes;

    /// The integer attribute `name`; ValueError naming the op if it is missing or not an integer.
    std::int64_t integer(const std::string& name) const;
    /// The real attribute `name` (an integer one converts).
    double real(const std::string& name) const;
    /// The integer list attribute `name`.
    const std::vector<std::int64_t>& integers(const std::string& name) const;
};

/// Collects the TracedOp of every node made on this thread while it lives. Traces nest: the
/// innermost open one records, and closing it makes the previous one current again.
class OpTrace {
public:
    OpTrace();
    ~OpTrace();
    OpTrace(const OpTrace&) = delete;
    OpTrace& operator=(const OpTrace&) = delete;

    /// The trace open on this thread, or null.
    static OpTrace* current() { return current_; }

    /// Records that `output` is the result of `op` on `inputs`. A later record for the same node
    /// replaces the earlier one (the outer op wins). Nothing is recorded when the op returned one
    /// of its inputs unchanged (an identity, such as dropout in evaluation).
    void record(const Tensor& output, std::string op, std::vector<Tensor> inputs,
                OpAttributes attributes = {});

    /// What was recorded for `output`'s node, or null.
    const TracedOp* find(const Tensor& output) const;

private:
    static thread_local OpTrace* current_;
    OpTrace* previous_;
    std::unordered_map<const Node*, TracedOp> ops_;
    /// Keeps every recorded node alive, so that no later node reuses a freed one's address.
    std::vector<std::shared_ptr<Node>> nodes_;
};

}  // namespace xgrad
