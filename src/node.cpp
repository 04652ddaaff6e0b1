#include <cmath>

#include "pool.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/grad_mode.hpp"

namespace xgrad {

Node::~Node() {
    detail::recycle(value);
    // Unlink the graph behind this node by hand: letting each handle destroy its inputs would
    // recurse once per node and overflow the stack on long chains.
    if (inputs.empty() && !grad) return;
    std::vector<Tensor> pending = std::move(inputs);
    if (grad) pending.emplace_back(std::move(grad));
    while (!pending.empty()) {
        Tensor tensor = std::move(pending.back());
        pending.pop_back();
        Node* node = tensor.node().get();
        if (node && tensor.node().use_count() == 1) {
            for (auto& input : node->inputs) pending.push_back(std::move(input));
            node->inputs.clear();
            if (node->grad) pending.emplace_back(std::move(node->grad));
        }
    }
}

NonFiniteScan scan_nonfinite(const Array& value) {
    NonFiniteScan scan;
    std::visit(
        [&](const auto& a) {
            for (std::size_t i = 0, n = a.size(); i < n; ++i)
                if (!std::isfinite(a.data()[i]) && scan.count++ == 0) {
                    scan.first_index = i;
                    scan.first_value = static_cast<double>(a.data()[i]);
                }
        },
        value);
    return scan;
}

namespace {
template <class Inputs>
Tensor make_op_from(const char* name, Array&& value, const Inputs& inputs, BackwardFn& backward) {
    auto node = detail::new_node(std::move(value));
    if (is_anomaly_enabled() && scan_nonfinite(node->value)) {
        std::string shapes;
        for (const auto& input : inputs)
            shapes += (shapes.empty() ? "" : ", ") + shape_str(input.shape());
        throw GraphError(std::string("anomaly: op '") + name +
                         "' produced NaN or Inf in forward (inputs " + shapes + ")");
    }
    if (!is_grad_enabled()) return Tensor(std::move(node));
    for (const auto& input : inputs) {
        if (input.requires_grad()) {
            node->requires_grad = true;
            break;
        }
    }
    if (node->requires_grad) {
        node->op = name;
        node->inputs.assign(inputs.begin(), inputs.end());
        node->backward = std::move(backward);
    }
    return Tensor(std::move(node));
}
}  // namespace

Tensor make_op(const char* name, Array value, const std::vector<Tensor>& inputs,
               BackwardFn backward) {
    return make_op_from(name, std::move(value), inputs, backward);
}

Tensor make_op(const char* name, Array value, std::initializer_list<Tensor> inputs,
               BackwardFn backward) {
    return make_op_from(name, std::move(value), inputs, backward);
}

Tensor make_leaf(Array value, bool requires_grad) {
    auto node = detail::new_node(std::move(value));
    node->requires_grad = requires_grad;
    return Tensor(std::move(node));
}

const Array& array_of(const Tensor& tensor) {
    if (!tensor.defined()) throw ValueError("array_of: the tensor is undefined");
    return tensor.node()->value;
}

namespace {
template <class Tensors>
void check_one_dtype(const char* op, const Tensors& tensors) {
    const DType first = tensors.begin()->dtype();
    for (const auto& t : tensors) {
        if (t.dtype() != first) {
            std::string listed;
            for (const auto& u : tensors)
                listed += (listed.empty() ? "" : ", ") + std::string(dtype_name(u.dtype())) + " " +
                          shape_str(u.shape());
            throw DTypeError(std::string(op) + ": expected inputs of one dtype, got " + listed +
                             " (convert explicitly with .to(dtype))");
        }
    }
}
}  // namespace

void check_same_dtype(const char* op, const std::vector<Tensor>& tensors) {
    if (!tensors.empty()) check_one_dtype(op, tensors);
}

void check_same_dtype(const char* op, std::initializer_list<Tensor> tensors) {
    if (tensors.size() != 0) check_one_dtype(op, tensors);
}

namespace {
thread_local bool grad_enabled = true;
thread_local bool anomaly_enabled = false;
}  // namespace

bool is_grad_enabled() { return grad_enabled; }
void set_grad_enabled(bool enabled) { grad_enabled = enabled; }
GradModeGuard::GradModeGuard(bool enabled) : previous_(grad_enabled) { grad_enabled = enabled; }
GradModeGuard::~GradModeGuard() { grad_enabled = previous_; }

bool is_anomaly_enabled() { return anomaly_enabled; }
void set_detect_anomaly(bool enabled) { anomaly_enabled = enabled; }
DetectAnomalyGuard::DetectAnomalyGuard(bool enabled) : previous_(anomaly_enabled) {
    anomaly_enabled = enabled;
}
DetectAnomalyGuard::~DetectAnomalyGuard() { anomaly_enabled = previous_; }

}  // namespace xgrad
