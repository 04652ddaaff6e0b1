#include "xgrad/op_trace.hpp"

#include <utility>

#include "xgrad/error.hpp"

namespace xgrad {

thread_local OpTrace* OpTrace::current_ = nullptr;

OpTrace::OpTrace() : previous_(current_) { current_ = this; }

OpTrace::~OpTrace() { current_ = previous_; }

void OpTrace::record(const Tensor& output, std::string op, std::vector<Tensor> inputs,
                     OpAttributes attributes) {
    for (const Tensor& input : inputs)
        if (input.defined() && input.node() == output.node()) return;
    nodes_.push_back(output.node());
    ops_[output.node().get()] = TracedOp{std::move(op), std::move(inputs), std::move(attributes)};
}

const TracedOp* OpTrace::find(const Tensor& output) const {
    const auto it = ops_.find(output.node().get());
    return it == ops_.end() ? nullptr : &it->second;
}

namespace {
template <class T>
const T& attribute(const TracedOp& traced, const std::string& name, const char* kind) {
    const auto it = traced.attributes.find(name);
    if (it == traced.attributes.end() || !std::holds_alternative<T>(it->second))
        throw ValueError(traced.op + ": the trace holds no " + kind + " attribute '" + name + "'");
    return std::get<T>(it->second);
}
}  // namespace

std::int64_t TracedOp::integer(const std::string& name) const {
    return attribute<std::int64_t>(*this, name, "integer");
}

double TracedOp::real(const std::string& name) const {
    const auto it = attributes.find(name);
    if (it != attributes.end() && std::holds_alternative<std::int64_t>(it->second))
        return static_cast<double>(std::get<std::int64_t>(it->second));
    return attribute<double>(*this, name, "real");
}

const std::vector<std::int64_t>& TracedOp::integers(const std::string& name) const {
    return attribute<std::vector<std::int64_t>>(*this, name, "integer list");
}

}  // namespace xgrad
