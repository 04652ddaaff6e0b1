// The backward pass: an iterative topological sort, then one sweep in reverse order that calls each
// node's backward function, sums gradients back to broadcast inputs' shapes, and accumulates them.
#include <cmath>
#include <unordered_map>

#include "autograd/pointer_index.hpp"
#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"

namespace xgrad {
namespace {

bool is_interior(const Node& node) { return node.backward || node.released; }

/// Buffers of one backward sweep, kept per thread and reused: a training loop of tiny graphs
/// then allocates nothing here after its first step. A backward function that itself runs a
/// backward pass (nested sweep) gets fresh buffers.
struct Scratch {
    /// Reachable nodes in post-order (every node after the nodes it was computed from); the
    /// sweep walks it backwards.
    std::vector<Tensor> post_order;
    /// Position in post_order of every node in it; also the DFS's visited set.
    detail::PointerIndex position;
    std::vector<std::pair<const Tensor*, std::size_t>> stack;
    /// Pending gradient of each node, by position.
    std::vector<Tensor> pending;
    bool busy = false;

    void clear() {
        post_order.clear();
        position.clear();
        stack.clear();
        pending.clear();
    }
};

/// Nodes reachable from `roots` through inputs that require grad, in post-order. Iterative: a
/// chain of a million nodes is fine.
void topological_order(const Tensor* roots, std::size_t n_roots, Scratch& s) {
    for (std::size_t r = 0; r < n_roots; ++r) {
        const Tensor& root = roots[r];
        if (!s.position.insert(root.node().get(), 0)) continue;
        s.stack.emplace_back(&root, 0);
        while (!s.stack.empty()) {
            auto& [tensor, next_input] = s.stack.back();
            const Node& node = *tensor->node();
            if (next_input < node.inputs.size()) {
                const Tensor& input = node.inputs[next_input++];
                if (input.node()->requires_grad && s.position.insert(input.node().get(), 0))
                    s.stack.emplace_back(&input, 0);
            } else {
                s.position.set(&node, s.post_order.size());
                s.post_order.push_back(*tensor);
                s.stack.pop_back();
            }
        }
    }
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
    } else if (!create_graph && gradient_is_writable(slot)) {
        add_in_place(slot.node()->value, array_of(g));
    } else {
        slot = slot + g;
    }
}

Tensor checked_gradient(Tensor g, const Node& input, const Node& consumer) {
    const Shape& want =
        std::visit([](const auto& a) -> const Shape& { return a.shape(); }, input.value);
    const DType input_dtype = input.value.index() == 1 ? DType::Float64 : DType::Float32;
    if (g.dtype() != input_dtype)
        throw DTypeError(std::string("backward of '") + consumer.op + "': gradient dtype " +
                         dtype_name(g.dtype()) + " does not match input dtype " +
                         dtype_name(input_dtype));
    if (g.shape() == want) return g;
    return sum_to(g, want);  // undo broadcasting: the one place it happens
}

void check_finite(const Tensor& g, const Node& consumer) {
    if (scan_nonfinite(array_of(g)))
        throw GraphError(std::string("anomaly: backward of op '") + consumer.op +
                         "' produced NaN or Inf in a gradient of shape " + shape_str(g.shape()));
}

/// `g` passed through the hooks of `tensor`'s node in order, each result checked against the
/// tensor. A hook runs under the sweep's grad mode: with create_graph, what it computes from g is
/// recorded and differentiated.
Tensor run_hooks(const Tensor& tensor, Tensor g) {
    for (const GradHook& hook : tensor.node()->hooks->snapshot()) {
        Tensor replaced = hook(g);
        if (!replaced.defined()) continue;
        if (replaced.dtype() != tensor.dtype())
            throw DTypeError(std::string("hook on the gradient of op '") + tensor.op_name() +
                             "' (shape " + shape_str(tensor.shape()) + ") returned dtype " +
                             dtype_name(replaced.dtype()) + "; expected the tensor's dtype " +
                             dtype_name(tensor.dtype()));
        if (replaced.shape() != tensor.shape())
            throw ShapeError(std::string("hook on the gradient of op '") + tensor.op_name() +
                             "' returned shape " + shape_str(replaced.shape()) +
                             "; expected the tensor's shape " + shape_str(tensor.shape()));
        g = std::move(replaced);
    }
    return g;
}

struct Sweep {
    /// The outputs and their gradients (owned by the caller).
    const Tensor* roots;
    const Tensor* root_grads;
    std::size_t n_roots;
    bool retain_graph;
    bool create_graph;

    Sweep(const Tensor* outputs, const Tensor* grads, std::size_t n, bool retain, bool create)
        : roots(outputs),
          root_grads(grads),
          n_roots(n),
          retain_graph(retain || create),
          create_graph(create) {}

    /// For grad(): the nodes whose gradient is returned instead of accumulated into .grad.
    std::unordered_map<const Node*, std::size_t> captured;
    std::vector<Tensor> captured_grads;

    void run() {
        thread_local Scratch shared;
        Scratch nested;
        Scratch& s = shared.busy ? nested : shared;
        struct Release {  // leaves the buffers empty (no graph kept alive) whatever happens
            Scratch& s;
            ~Release() {
                s.clear();
                s.busy = false;
            }
        } release{s};
        s.busy = true;
        topological_order(roots, n_roots, s);
        s.pending.resize(s.post_order.size());
        for (std::size_t r = 0; r < n_roots; ++r)
            accumulate(s.pending[s.position.find(roots[r].node().get())], root_grads[r],
                       create_graph);

        // Backward functions record a graph only when asked to (higher-order gradients).
        const GradModeGuard mode(create_graph);
        for (std::size_t i = s.post_order.size(); i-- > 0;) {
            const Tensor& output = s.post_order[i];
            Node& node = *output.node();
            Tensor g = std::move(s.pending[i]);
            if (!g.defined()) continue;
            // g is complete here; hooks see it before anything uses it. grad() runs the hooks
            // of the leaves it returns, not of those it leaves alone (as torch.autograd.grad).
            if (!captured.empty()) {
                const auto it = captured.find(&node);
                if (it == captured.end() && !is_interior(node)) continue;
                if (node.hooks) g = run_hooks(output, std::move(g));
                if (it != captured.end()) {
                    captured_grads[it->second] = g;
                    if (!is_interior(node)) continue;
                }
            } else {
                if (node.hooks) g = run_hooks(output, std::move(g));
                if (!is_interior(node)) {
                    s.pending[i] = std::move(g);  // accumulated after the sweep, see below
                    continue;
                }
            }
            if (node.released)
                throw GraphError(
                    std::string("backward: trying to backward through the graph a second "
                                "time at op '") +
                    node.op +
                    "'; its buffers were freed. Pass retain_graph=true to the first "
                    "backward call.");
            backpropagate(output, std::move(g), s);
        }
        // Leaves last: by now every other reference to a gradient shared between branches (add
        // hands one tensor to both inputs) is gone, so the leaf adopts the buffer instead of
        // copying it.
        if (captured.empty())
            for (std::size_t i = 0; i < s.post_order.size(); ++i)
                if (s.pending[i].defined())
                    accumulate_into_leaf(*s.post_order[i].node(), std::move(s.pending[i]));
    }

    void backpropagate(const Tensor& output, Tensor g, Scratch& s) {
        Node& node = *output.node();
        const std::vector<Tensor>& inputs = node.inputs;
        std::vector<Tensor> grads;
        try {
            grads = node.backward(g, output, inputs);
        } catch (const GraphError& e) {
            // Anomaly mode trips inside the ops a backward function runs; name the op it belongs
            // to.
            throw GraphError(std::string("backward of op '") + node.op + "': " + e.what());
        }
        // The output's gradient is no longer needed: a backward function that returned it (add,
        // reshape) hands its buffer over, which may then be accumulated into in place.
        g = Tensor();
        if (grads.size() != inputs.size())
            throw GraphError(std::string("backward of '") + node.op + "' returned " +
                             std::to_string(grads.size()) + " gradients for " +
                             std::to_string(inputs.size()) + " inputs");
        if (!retain_graph) {
            node.backward = nullptr;
            node.released = true;
        }
        for (std::size_t k = 0; k < inputs.size(); ++k) {
            const Node& input = *inputs[k].node();
            if (!grads[k].defined() || !input.requires_grad) continue;
            Tensor gk = checked_gradient(std::move(grads[k]), input, node);
            if (is_anomaly_enabled()) check_finite(gk, node);
            accumulate(s.pending[s.position.find(&input)], std::move(gk), create_graph);
        }
    }

    void accumulate_into_leaf(Node& leaf, Tensor g) const {
        if (!leaf.grad) {
            // Adopt the buffer when nothing else holds it; otherwise copy, so that accumulating
            // into this leaf later cannot change another tensor.
            const bool adopt = create_graph || gradient_is_writable(g);
            leaf.grad = adopt ? g.node() : make_leaf(array_of(g)).node();
        } else if (create_graph) {
            leaf.grad = (Tensor(leaf.grad) + g).node();
        } else {
            add_in_place(leaf.grad->value, array_of(g));
        }
    }
};

/// The gradient to start output `i` from: `given` checked against it, or ones for a scalar.
Tensor root_gradient(const char* api, std::size_t i, const Tensor& out, const Tensor& given) {
    if (!out.defined())
        throw ValueError(std::string(api) + ": output " + std::to_string(i) + " is undefined");
    if (!out.requires_grad())
        throw GraphError(std::string(api) + ": output " + std::to_string(i) + " (op '" +
                         out.op_name() + "', shape " + shape_str(out.shape()) +
                         ") does not require grad: no input of its graph has requires_grad");
    if (!given.defined()) {
        if (out.numel() != 1)
            throw ShapeError(
                std::string(api) +
                ": a gradient can be implied only for a scalar output; output of op '" +
                out.op_name() + "' has shape " + shape_str(out.shape()) +
                ", pass a gradient of that shape");
        return ones_like(out);
    }
    if (given.dtype() != out.dtype())
        throw DTypeError(std::string(api) + ": gradient of dtype " + dtype_name(given.dtype()) +
                         " given for an output of dtype " + dtype_name(out.dtype()) + " (op '" +
                         out.op_name() + "', shape " + shape_str(out.shape()) +
                         "; expected the output's dtype)");
    if (given.shape() != out.shape())
        throw ShapeError(std::string(api) + ": gradient of shape " + shape_str(given.shape()) +
                         " " + dtype_name(given.dtype()) + " given for an output of shape " +
                         shape_str(out.shape()) + " " + dtype_name(out.dtype()));
    return given;
}

std::vector<Tensor> root_gradients(const char* api, const std::vector<Tensor>& outputs,
                                   const std::vector<Tensor>& grad_outputs) {
    if (outputs.empty()) throw ValueError(std::string(api) + ": no outputs given");
    if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
        throw ValueError(std::string(api) + ": got " + std::to_string(grad_outputs.size()) +
                         " grad_outputs for " + std::to_string(outputs.size()) + " outputs");
    std::vector<Tensor> grads;
    grads.reserve(outputs.size());
    for (std::size_t i = 0; i < outputs.size(); ++i)
        grads.push_back(
            root_gradient(api, i, outputs[i], grad_outputs.empty() ? Tensor() : grad_outputs[i]));
    return grads;
}

}  // namespace

bool gradient_is_writable(const Tensor& g) { return g.node().use_count() == 1; }

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs,
              bool retain_graph, bool create_graph) {
    const std::vector<Tensor> grads = root_gradients("backward", outputs, grad_outputs);
    Sweep{outputs.data(), grads.data(), outputs.size(), retain_graph, create_graph}.run();
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, bool create_graph,
                         bool allow_unused) {
    return grad(outputs, inputs, grad_outputs, create_graph, allow_unused, create_graph);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, bool create_graph,
                         bool allow_unused, bool retain_graph) {
    const std::vector<Tensor> grads = root_gradients("grad", outputs, grad_outputs);
    Sweep sweep{outputs.data(), grads.data(), outputs.size(), retain_graph, create_graph};
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

void Tensor::backward(const Tensor& gradient, bool retain_graph, bool create_graph) const {
    const Tensor grad = root_gradient("backward", 0, *this, gradient);
    Sweep{this, &grad, 1, retain_graph, create_graph}.run();
}

}  // namespace xgrad
