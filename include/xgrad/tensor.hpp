#pragma once
/// \file tensor.hpp
/// The user-facing Tensor: a cheap, shared handle to a node of the autograd graph holding a value
/// (an xtensor array of float or double), its gradient, requires_grad, the op that made it, its
/// inputs and its backward function.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>
#include <xtensor/xarray.hpp>

#include "xgrad/dtype.hpp"
#include "xgrad/hooks.hpp"
#include "xgrad/tensor_options.hpp"

namespace xgrad {

/// A shape: xtensor's small-buffer vector, so reading a tensor's shape never allocates.
using Shape = xt::dynamic_shape<std::size_t>;
using Axes = std::vector<std::ptrdiff_t>;

/// "(2, 3)": shapes in error messages.
std::string shape_str(const Shape& shape);

struct Node;

namespace indexing {
class TensorIndex;
}

namespace detail {
/// An element of a 1-D initializer list. Being a class (not double) makes `{{1}, {2}}` resolve
/// to the 2-D constructor (a column vector) instead of being ambiguous with the 1-D one.
struct ListValue {
    ListValue(double v) : value(v) {}  // NOLINT: implicit by design
    double value;
};

/// The node of a 0-d tensor (the scalar constructor's work).
std::shared_ptr<Node> scalar_node(double value, DType dtype, bool requires_grad);
}  // namespace detail

/// A tensor of float32 (default) or float64 values that records the ops applied to it when
/// gradients are needed. Copying a Tensor copies the handle, not the data.
class Tensor {
public:
    /// An undefined tensor (no node): the grad of a tensor that never received one.
    Tensor() = default;
    explicit Tensor(std::shared_ptr<Node> node);

    /// A 0-d tensor: `Tensor(0.5)`, `Tensor(2, requires_grad())`; float32 unless the options
    /// say otherwise. A template, so that a braced list `Tensor({0.5})` is never this constructor
    /// but the 1-D one (with a plain double parameter, GCC and Clang chose differently).
    template <class Scalar, std::enable_if_t<std::is_arithmetic_v<Scalar>, int> = 0>
    explicit Tensor(Scalar scalar, const TensorOptions& options = {})
        : Tensor(detail::scalar_node(static_cast<double>(scalar), options.dtype_or(DType::Float32),
                                     options.requires_grad())) {}
    /// From nested initializer lists: `Tensor({1, 2})`, `Tensor({{1, 2}, {3, 4}})`, the column
    /// `Tensor({{1}, {2}})`, `Tensor({1, 2}, TensorOptions(DType::Float64).requires_grad(true))`.
    /// Values are given as double and stored as float32 unless the options set a dtype.
    Tensor(std::initializer_list<detail::ListValue> values, const TensorOptions& options = {});
    Tensor(xt::nested_initializer_list_t<double, 2> values, const TensorOptions& options = {});
    Tensor(xt::nested_initializer_list_t<double, 3> values, const TensorOptions& options = {});
    Tensor(xt::nested_initializer_list_t<double, 4> values, const TensorOptions& options = {});
    /// From an xtensor array: its element type is the dtype unless the options set one (then
    /// the values are converted).
    explicit Tensor(xt::xarray<float> values, const TensorOptions& options = {});
    explicit Tensor(xt::xarray<double> values, const TensorOptions& options = {});

    /// The positional `(values, dtype, requires_grad)` spellings of before TensorOptions.
    template <class Scalar, std::enable_if_t<std::is_arithmetic_v<Scalar>, int> = 0>
    XGRAD_DEPRECATED_REQUIRES_GRAD explicit Tensor(Scalar scalar, DType dtype, bool requires_grad)
        : Tensor(scalar, TensorOptions(dtype).requires_grad(requires_grad)) {}
    XGRAD_DEPRECATED_REQUIRES_GRAD Tensor(std::initializer_list<detail::ListValue> values,
                                          DType dtype, bool requires_grad);
    XGRAD_DEPRECATED_REQUIRES_GRAD Tensor(xt::nested_initializer_list_t<double, 2> values,
                                          DType dtype, bool requires_grad);
    XGRAD_DEPRECATED_REQUIRES_GRAD Tensor(xt::nested_initializer_list_t<double, 3> values,
                                          DType dtype, bool requires_grad);
    XGRAD_DEPRECATED_REQUIRES_GRAD Tensor(xt::nested_initializer_list_t<double, 4> values,
                                          DType dtype, bool requires_grad);
    XGRAD_DEPRECATED_REQUIRES_GRAD explicit Tensor(xt::xarray<float> values, bool requires_grad);
    XGRAD_DEPRECATED_REQUIRES_GRAD explicit Tensor(xt::xarray<double> values, bool requires_grad);

    bool defined() const { return node_ != nullptr; }
    DType dtype() const;
    const Shape& shape() const;
    std::size_t dim() const { return shape().size(); }
    std::size_t numel() const;
    /// Size of one axis; negative axes count from the end.
    std::size_t size(std::ptrdiff_t axis) const;

    /// The value as an xtensor array, without a copy. Throws DTypeError if T is not the dtype.
    template <class T>
    xt::xarray<T>& value();
    template <class T>
    const xt::xarray<T>& value() const;
    /// The single value of a one-element tensor, as double.
    double item() const;
    /// A copy of the values as double, in row-major order (handy in tests and printing).
    std::vector<double> to_vector() const;

    bool requires_grad() const;
    /// Marks a leaf as needing a gradient (or not); returns *this.
    Tensor& requires_grad_(bool requires_grad = true);
    bool is_leaf() const;
    /// The accumulated gradient of a leaf; undefined until a backward pass reaches it.
    Tensor grad() const;
    /// Replaces the gradient (a handle operation: a const Tensor still names a mutable node).
    void set_grad(const Tensor& grad) const;
    /// Drops the gradient (PyTorch's set_to_none=True).
    void zero_grad() const;
    /// Name of the op that produced this tensor ("leaf" for leaves).
    const char* op_name() const;
    /// The tensors this one was computed from (empty for leaves and after the graph is released).
    std::vector<Tensor> inputs() const;

    /// Backpropagates from this tensor into the leaves' grad. A non-scalar tensor needs `gradient`
    /// of its shape. The graph is released afterwards unless retain_graph (or create_graph).
    void backward(const Tensor& gradient = Tensor(), bool retain_graph = false,
                  bool create_graph = false) const;
    /// Registers a gradient hook (libtorch's Tensor::register_hook) on a tensor that requires
    /// grad, leaf or interior. The hook runs when a backward sweep (backward() or grad()) has
    /// computed this tensor's gradient in full, before the gradient is used: before it enters the
    /// backward function of the op that made the tensor, or, for a leaf, before it is accumulated
    /// into grad(). Hooks run in registration order, each receiving the previous one's result; an
    /// undefined result keeps the gradient, a defined one (of this tensor's shape and dtype, else
    /// a ShapeError or DTypeError) replaces it. Under create_graph the hook receives a
    /// differentiable gradient, and what it computes from it is differentiated too. A hook should
    /// not capture this tensor (the node would own itself); capture values or a detach().
    /// GraphError if the tensor does not require grad.
    HookHandle register_hook(GradHook hook) const;
    /// The same for a hook that returns nothing (one that logs or records the gradient).
    template <class F,
              std::enable_if_t<std::is_void_v<std::invoke_result_t<F&, const Tensor&>>, int> = 0>
    HookHandle register_hook(F hook) const {
        return register_hook(GradHook([hook = std::move(hook)](const Tensor& g) mutable {
            hook(g);
            return Tensor();
        }));
    }

    /// The same value, cut from the graph: no grad flows through it.
    Tensor detach() const;
    /// A copy converted to `dtype` (differentiable); returns *this when it already has it.
    Tensor to(DType dtype) const;
    /// A deep copy of the value as a new leaf.
    Tensor clone() const;

    /// libtorch's Tensor::index, Python's x[...]: `x.index({Slice(0, 2), 1})` is x[0:2, 1]. The
    /// items (xgrad/tensor_index.hpp) follow PyTorch's rules, described in ops/indexing.hpp; the
    /// result is a copy, differentiable (its gradient is scatter-added back). An IndexError or
    /// ValueError names the item, the axis and its size.
    Tensor index(const std::vector<indexing::TensorIndex>& indices) const;
    /// x[i]: the entry i of the first axis (negative counts from the end), that axis removed.
    Tensor operator[](std::int64_t i) const;

    /// Identity of the underlying node (two handles to the same tensor compare equal).
    bool same(const Tensor& other) const { return node_ == other.node_; }
    const std::shared_ptr<Node>& node() const { return node_; }

private:
    std::shared_ptr<Node> node_;
};

/// A new tensor filled with zeros / ones / `value`, float32 unless the options say otherwise:
/// `zeros({2, 3})`, `zeros({2, 3}, DType::Float64)`, `ones({3}, requires_grad())`.
Tensor zeros(const Shape& shape, const TensorOptions& options = {});
Tensor ones(const Shape& shape, const TensorOptions& options = {});
Tensor full(const Shape& shape, double value, const TensorOptions& options = {});
Tensor zeros_like(const Tensor& like);
Tensor ones_like(const Tensor& like);
/// start, start+step, ... up to but excluding stop (1-D).
Tensor arange(double start, double stop, double step = 1.0, const TensorOptions& options = {});
/// Standard normal samples / uniform samples in [0, 1) from xgrad's global generator.
Tensor randn(const Shape& shape, const TensorOptions& options = {});
Tensor rand(const Shape& shape, const TensorOptions& options = {});

/// The positional `(shape, dtype, requires_grad)` spellings of before TensorOptions.
XGRAD_DEPRECATED_REQUIRES_GRAD Tensor zeros(const Shape& shape, DType dtype, bool requires_grad);
XGRAD_DEPRECATED_REQUIRES_GRAD Tensor ones(const Shape& shape, DType dtype, bool requires_grad);
XGRAD_DEPRECATED_REQUIRES_GRAD Tensor full(const Shape& shape, double value, DType dtype,
                                           bool requires_grad);
XGRAD_DEPRECATED_REQUIRES_GRAD Tensor randn(const Shape& shape, DType dtype, bool requires_grad);
XGRAD_DEPRECATED_REQUIRES_GRAD Tensor rand(const Shape& shape, DType dtype, bool requires_grad);

/// Prints shape, dtype and values.
std::ostream& operator<<(std::ostream& out, const Tensor& tensor);

}  // namespace xgrad

// The index items, complete for every caller of Tensor::index (the header includes this one).
#include "xgrad/tensor_index.hpp"
