// The backward pass: an iterative topological sort, then one sweep in reverse order that calls each
// node's backward function, sums gradients back to broadcast inputs' shapes, and accumulates them.
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"

namespace xgrad {
namespace {

/// Sets the thread's grad mode for its lifetime.
class GradModeGuard {
public:
    explicit GradModeGuard(bool enabled) : previous_(is_grad_enabled()) { set_grad_enabled(enabled); }
    ~GradModeGuard() { set_grad_enabled(previous_); }

private:
    bool previous_;
};

bool is_interior(const Node& node) { return node.backward || node.released; }

/// Nodes reachable from `roots` through inputs that require grad, every node before the nodes it
/// was computed from (reverse post-order). Iterative: a chain of a million nodes is fine.
std::vector<std::shared_ptr<Node>> topological_order(const std::vector<Tensor>& roots) {
    std::vector<std::shared_ptr<Node>> post_order;
    std::unordered_set<const Node*> visited;
    std::vector<std::pair<std::shared_ptr<Node>, std::size_t>> stack;
    for (const auto& root : roots) {
        if (!visited.insert(root.node().get()).second) continue;
        stack.emplace_back(root.node(), 0);
        while (!stack.empty()) {
            auto& [node, next_input] = stack.back();
            if (next_input < node->inputs.size()) {
                const auto& input = node->inputs[next_input++];
                if (input->requires_grad && visited.insert(input.get()).second)
                    stack.emplace_back(input, 0);
            } else {
                post_order.push_back(std::move(node));
                stack.pop_back();
            }
        }
    }
    return {post_order.rbegin(), post_order.rend()};
}

void add_in_place(Array& target, const Array& addend) {
    std::visit(
        [&](auto& t) {
            using A = std::decay_t<decltype(t)>;
            t += std::get<A>(addend);
        },
        target);
}

/// Adds `g` into a node's pending gradient. A buffer nobody else holds is added to in place; a
/// shared one (add hands one tensor to both inputs; a caller's grad_output) is never mutated.
void accumulate(Tensor& slot, Tensor g, bool create_graph) {
    if (!slot.defined()) {
        slot = std::move(g);
    } else if (!create_graph && slot.node().use_count() == 1) {
        add_in_place(slot.node()->value, array_of(g));
    } else {
        slot = slot + g;
    }
}

Tensor checked_gradient(const Tensor& g, const Node& input, const Node& consumer) {
    const Shape& want = std::visit([](const auto& a) -> const Shape& { return a.shape(); }, input.value);
    const DType input_dtype = input.value.index() == 1 ? DType::Float64 : DType::Float32;
    if (g.dtype() != input_dtype)
        throw DTypeError(std::string("backward of '") + consumer.op + "': gradient dtype " +
                         dtype_name(g.dtype()) + " does not match input dtype " +
                         dtype_name(input_dtype));
    if (g.shape() == want) return g;
    return sum_to(g, want);  // undo broadcasting: the one place it happens
}

void check_finite(const Tensor& g, const Node& consumer) {
    std::visit(
        [&](const auto& a) {
            for (auto v : a)
                if (!std::isfinite(v))
                    throw GraphError(std::string("anomaly: backward of op '") + consumer.op +
                                     "' produced NaN or Inf in a gradient of shape " +
                                     shape_str(a.shape()));
        },
        array_of(g));
}

struct Sweep {
    std::vector<Tensor> roots;
    std::vector<Tensor> root_grads;
    bool retain_graph = false;
    bool create_graph = false;
    /// For grad(): the nodes whose gradient is returned instead of accumulated into .grad.
    std::unordered_map<const Node*, std::size_t> captured;
    std::vector<Tensor> captured_grads;

    void run() {
        const std::vector<std::shared_ptr<Node>> order = topological_order(roots);
        std::unordered_map<const Node*, std::size_t> position;
        position.reserve(order.size());
        for (std::size_t i = 0; i < order.size(); ++i) position.emplace(order[i].get(), i);

        std::vector<Tensor> pending(order.size());
        for (std::size_t r = 0; r < roots.size(); ++r)
            accumulate(pending[position.at(roots[r].node().get())], root_grads[r], create_graph);

        // Backward functions record a graph only when asked to (higher-order gradients).
        const GradModeGuard mode(create_graph);
        for (std::size_t i = 0; i < order.size(); ++i) {
            const auto& node = order[i];
            Tensor g = std::move(pending[i]);
            if (!g.defined()) continue;
            if (auto it = captured.find(node.get()); it != captured.end()) {
                captured_grads[it->second] = g;
                if (!is_interior(*node)) continue;
            } else if (!is_interior(*node)) {
                if (captured.empty()) accumulate_into_leaf(*node, std::move(g));
                continue;
            }
            if (node->released)
                throw GraphError(std::string("backward: trying to backward through the graph a second "
                                             "time at op '") +
                                 node->op +
                                 "'; its buffers were freed. Pass retain_graph=true to the first "
                                 "backward call.");
            backpropagate(node, g, position, pending);
        }
    }

    void backpropagate(const std::shared_ptr<Node>& node, const Tensor& g,
                       const std::unordered_map<const Node*, std::size_t>& position,
                       std::vector<Tensor>& pending) {
        std::vector<Tensor> inputs;
        inputs.reserve(node->inputs.size());
        for (const auto& input : node->inputs) inputs.emplace_back(input);
        std::vector<Tensor> grads;
        try {
            grads = node->backward(g, Tensor(node), inputs);
        } catch (const GraphError& e) {
            // Anomaly mode trips inside the ops a backward function runs; name the op it belongs to.
            throw GraphError(std::string("backward of op '") + node->op + "': " + e.what());
        }
        if (grads.size() != inputs.size())
            throw GraphError(std::string("backward of '") + node->op + "' returned " +
                             std::to_string(grads.size()) + " gradients for " +
                             std::to_string(inputs.size()) + " inputs");
        if (!retain_graph) {
            node->backward = nullptr;
            node->released = true;
        }
        for (std::size_t k = 0; k < inputs.size(); ++k) {
            const Node& input = *node->inputs[k];
            if (!grads[k].defined() || !input.requires_grad) continue;
            Tensor gk = checked_gradient(grads[k], input, *node);
            if (is_anomaly_enabled()) check_finite(gk, *node);
            accumulate(pending[position.at(&input)], std::move(gk), create_graph);
        }
    }

    void accumulate_into_leaf(Node& leaf, Tensor g) const {
        if (!leaf.grad) {
            // Adopt the buffer when nothing else holds it; otherwise copy, so that accumulating
            // into this leaf later cannot change another tensor.
            const bool adopt = create_graph || g.node().use_count() == 1;
            leaf.grad = adopt ? g.node() : make_leaf(array_of(g)).node();
        } else if (create_graph) {
            leaf.grad = (Tensor(leaf.grad) + g).node();
        } else {
            add_in_place(leaf.grad->value, array_of(g));
        }
    }
};

std::vector<Tensor> root_gradients(const char* api, const std::vector<Tensor>& outputs,
                                   const std::vector<Tensor>& grad_outputs) {
    if (outputs.empty()) throw ValueError(std::string(api) + ": no outputs given");
    if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
        throw ValueError(std::string(api) + ": got " + std::to_string(grad_outputs.size()) +
                         " grad_outputs for " + std::to_string(outputs.size()) + " outputs");
    std::vector<Tensor> grads;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const Tensor& out = outputs[i];
        if (!out.defined()) throw ValueError(std::string(api) + ": output " + std::to_string(i) + " is undefined");
        if (!out.requires_grad())
            throw GraphError(std::string(api) + ": output " + std::to_string(i) + " (op '" + out.op_name() +
                             "', shape " + shape_str(out.shape()) +
                             ") does not require grad: no input of its graph has requires_grad");
        Tensor g = grad_outputs.empty() ? Tensor() : grad_outputs[i];
        if (!g.defined()) {
            if (out.numel() != 1)
                throw ShapeError(std::string(api) +
                                 ": a gradient can be implied only for a scalar output; output of op '" +
                                 out.op_name() + "' has shape " + shape_str(out.shape()) +
                                 ", pass a gradient of that shape");
            g = ones_like(out);
        } else if (g.shape() != out.shape() || g.dtype() != out.dtype()) {
            throw ShapeError(std::string(api) + ": gradient of shape " + shape_str(g.shape()) + " " +
                             dtype_name(g.dtype()) + " given for an output of shape " +
                             shape_str(out.shape()) + " " + dtype_name(out.dtype()));
        }
        grads.push_back(g);
    }
    return grads;
}

}  // namespace

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
              bool retain_graph, bool create_graph) {
    Sweep sweep;
    sweep.roots = outputs;
    sweep.root_grads = root_gradients("backward", outputs, grad_outputs);
    sweep.retain_graph = retain_graph || create_graph;
    sweep.create_graph = create_graph;
    sweep.run();
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, bool create_graph,
                         bool allow_unused) {
    return grad(outputs, inputs, grad_outputs, create_graph, allow_unused, create_graph);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, bool create_graph,
                         bool allow_unused, bool retain_graph) {
    Sweep sweep;
    sweep.roots = outputs;
    sweep.root_grads = root_gradients("grad", outputs, grad_outputs);
    sweep.retain_graph = retain_graph || create_graph;
    sweep.create_graph = create_graph;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!inputs[i].defined() || !inputs[i].requires_grad())
            throw GraphError("grad: input " + std::to_string(i) + " does not require grad");
        sweep.captured.emplace(inputs[i].node().get(), i);
    }
    sweep.captured_grads.resize(inputs.size());
    sweep.run();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!sweep.captured_grads[i].defined() && !allow_unused)
            throw GraphError("grad: input " + std::to_string(i) + " (shape " +
                             shape_str(inputs[i].shape()) +
                             ") is not used by the outputs; pass allow_unused=true to get an "
                             "undefined gradient instead");
    }
    return sweep.captured_grads;
}

}  // namespace xgrad
