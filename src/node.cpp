#include <cmath>

#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad {

Node::~Node() {
    // Unlink the graph behind this node by hand: letting each shared_ptr destroy its inputs would
    // recurse once per node and overflow the stack on long chains.
    std::vector<std::shared_ptr<Node>> pending = std::move(inputs);
    if (grad) pending.push_back(std::move(grad));
    while (!pending.empty()) {
        std::shared_ptr<Node> node = std::move(pending.back());
        pending.pop_back();
        if (node.use_count() == 1) {
            for (auto& input : node->inputs) pending.push_back(std::move(input));
            node->inputs.clear();
            if (node->grad) pending.push_back(std::move(node->grad));
        }
    }
}

namespace {
bool all_finite(const Array& value) {
    return std::visit(
        [](const auto& a) {
            for (auto v : a)
                if (!std::isfinite(v)) return false;
            return true;
        },
        value);
}
}  // namespace

Tensor make_op(const char* name, Array value, const std::vector<Tensor>& inputs,
               BackwardFn backward) {
    auto node = std::make_shared<Node>();
    node->value = std::move(value);
    if (is_anomaly_enabled() && !all_finite(node->value)) {
        std::string shapes;
        for (const auto& input : inputs) shapes += (shapes.empty() ? "" : ", ") + shape_str(input.shape());
        throw GraphError(std::string("anomaly: op '") + name + "' produced NaN or Inf in forward (inputs " +
                         shapes + ")");
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
        node->inputs.reserve(inputs.size());
        for (const auto& input : inputs) node->inputs.push_back(input.node());
        node->backward = std::move(backward);
    }
    return Tensor(std::move(node));
}

Tensor make_leaf(Array value, bool requires_grad) {
    auto node = std::make_shared<Node>();
    node->value = std::move(value);
    node->requires_grad = requires_grad;
    return Tensor(std::move(node));
}

const Array& array_of(const Tensor& tensor) {
    if (!tensor.defined()) throw ValueError("array_of: the tensor is undefined");
    return tensor.node()->value;
}

void check_same_dtype(const char* op, const std::vector<Tensor>& tensors) {
    for (const auto& t : tensors) {
        if (t.dtype() != tensors.front().dtype()) {
            std::string listed;
            for (const auto& u : tensors)
                listed += (listed.empty() ? "" : ", ") + std::string(dtype_name(u.dtype())) + " " +
                          shape_str(u.shape());
            throw DTypeError(std::string(op) + ": expected inputs of one dtype, got " + listed +
                             " (convert explicitly with .to(dtype))");
        }
    }
}

namespace {
thread_local bool grad_enabled = true;
thread_local bool anomaly_enabled = false;
}  // namespace

bool is_grad_enabled() { return grad_enabled; }
void set_grad_enabled(bool enabled) { grad_enabled = enabled; }
NoGradGuard::NoGradGuard() : previous_(grad_enabled) { grad_enabled = false; }
NoGradGuard::~NoGradGuard() { grad_enabled = previous_; }

bool is_anomaly_enabled() { return anomaly_enabled; }
void set_detect_anomaly(bool enabled) { anomaly_enabled = enabled; }
DetectAnomalyGuard::DetectAnomalyGuard(bool enabled) : previous_(anomaly_enabled) {
    anomaly_enabled = enabled;
}
DetectAnomalyGuard::~DetectAnomalyGuard() { anomaly_enabled = previous_; }

}  // namespace xgrad
