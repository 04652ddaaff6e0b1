#pragma once
/// \file function.hpp
/// The graph node behind a Tensor, and make_op(): how every op (and a user's own op) records its
/// forward value together with its backward function.
///
/// A backward function receives the gradient of the op's output and returns one gradient per
/// input, written with differentiable Tensor ops so that create_graph gives higher-order
/// gradients. It may return a gradient of the output's (broadcast) shape: the engine sums it
/// back to the input's shape. It reads the op's inputs and output from its arguments and must
/// not capture Tensors that have inputs of their own (that would keep graphs alive and defeat
/// the iterative destruction of long chains); capturing plain values, arrays or leaf constants
/// is fine.

#include <functional>
#include <initializer_list>
#include <memory>
#include <variant>
#include <vector>
#include <xtensor/xarray.hpp>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// The value of a tensor: an xtensor array of float or double.
using Array = std::variant<xt::xarray<float>, xt::xarray<double>>;

/// The inputs of an op, as its backward function receives them.
using Inputs = std::vector<Tensor>;
/// One gradient per input, as a backward function returns them (an entry may be undefined).
using Grads = std::vector<Tensor>;

/// Gradient of every input, given the output's gradient, the output and the inputs. An entry may
/// be left undefined when that input gets no gradient (or does not require one).
using BackwardFn =
    std::function<Grads(const Tensor& grad_output, const Tensor& output, const Inputs& inputs)>;

/// One node of the graph. Users reach it through Tensor; custom ops build it with make_op().
struct Node {
    Array value;
    std::shared_ptr<Node> grad;
    /// The inputs, as handed to the backward function (no copy per backward call).
    std::vector<Tensor> inputs;
    BackwardFn backward;
    const char* op = "leaf";
    bool requires_grad = false;
    /// The backward function was freed by a backward pass without retain_graph.
    bool released = false;
    /// Tensor::register_hook's hooks, run by the backward sweep on this node's full gradient.
    /// Null until the first registration: a node without hooks costs the sweep one test. Shared
    /// so that a HookHandle can outlive the node (it holds the list weakly).
    std::shared_ptr<detail::HookList<GradHook>> hooks;

    Node() = default;
    /// Takes the value over. (A default-constructed xarray allocates a one-element buffer, so
    /// nodes are built around their value rather than assigned it.)
    explicit Node(Array&& v) : value(std::move(v)) {}
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    /// Iterative: destroying the last handle of a chain of a million nodes does not recurse.
    ~Node();
};

/// Wraps `value` as the output of op `name` computed from `inputs`. When grad mode is on and an
/// input requires grad, the output records the inputs and `backward`; otherwise it is a plain
/// leaf and nothing is kept. In anomaly mode a non-finite value raises a GraphError naming `name`.
Tensor make_op(const char* name, Array value, const std::vector<Tensor>& inputs,
               BackwardFn backward);
/// The same for a braced list of inputs, `make_op("exp", value, {x}, ...)`, without building a
/// temporary vector (ops are made by the million in per-example training).
Tensor make_op(const char* name, Array value, std::initializer_list<Tensor> inputs,
               BackwardFn backward);

/// A leaf tensor holding `value` (no copy).
Tensor make_leaf(Array value, bool requires_grad = false);

/// The array behind a tensor.
const Array& array_of(const Tensor& tensor);

/// A copy of `value` with elements of type `dtype`.
Array converted(const Array& value, DType dtype);

/// An array of `shape` with unspecified contents, for an op's value or gradient: a recycled
/// buffer of the same element count when the thread has one, else a new one.
template <class T>
xt::xarray<T> new_array(const Shape& shape);
extern template xt::xarray<float> new_array<float>(const Shape&);
extern template xt::xarray<double> new_array<double>(const Shape&);

/// Whether a backward function may overwrite the gradient `g` it was handed with its result (and
/// return g itself): true when nothing else holds g. The engine hands each backward function the
/// output's pending gradient and keeps no other reference to it; a gradient shared between
/// branches, or given by the caller of backward(), is never overwritten. This is the engine's
/// whole buffer-reuse policy, in one place.
bool gradient_is_writable(const Tensor& g);

/// NumPy's broadcast of two shapes; a ShapeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

/// The NaN and Inf values of an array: how many, and the first of them.
struct NonFiniteScan {
    std::size_t count = 0;
    std::size_t first_index = 0;
    double first_value = 0.0;
    explicit operator bool() const { return count > 0; }
};
NonFiniteScan scan_nonfinite(const Array& value);

/// Throws DTypeError naming `op` unless all tensors share one dtype.
void check_same_dtype(const char* op, const std::vector<Tensor>& tensors);
void check_same_dtype(const char* op, std::initializer_list<Tensor> tensors);

}  // namespace xgrad
