#pragma once
// Helpers shared by the op implementations: running a kernel on a tensor's array for its dtype,
// broadcasting checks, axis normalisation and constant (non-differentiable) tensors.

#include <cmath>
#include <string>
#include <vector>
#include <xtensor/xarray.hpp>
#include <xtensor/xbroadcast.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xsort.hpp>

#include "ops/kernels.hpp"
#include "pool.hpp"
#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad::detail {

using xgrad::Grads;
using xgrad::Inputs;

template <class A>
using element_t = typename std::decay_t<A>::value_type;

/// Runs `kernel(array)` on the tensor's array and evaluates the result into an array of the same
/// element type. A kernel may return a lazy expression of its arguments, but must evaluate
/// expressions that refer to its own locals (they die when it returns).
template <class Kernel>
Array apply(const Tensor& x, Kernel&& kernel) {
    return std::visit(
        [&](const auto& a) -> Array { return evaluate<element_t<decltype(a)>>(kernel(a)); },
        array_of(x));
}

/// Runs `kernel(a_array, b_array)` on two tensors of one dtype (checked, naming `op`).
template <class Kernel>
Array apply(const char* op, const Tensor& a, const Tensor& b, Kernel&& kernel) {
    if (a.dtype() != b.dtype()) check_same_dtype(op, {a, b});
    return std::visit(
        [&](const auto& x) -> Array {
            using A = std::decay_t<decltype(x)>;
            return evaluate<element_t<A>>(kernel(x, std::get<A>(array_of(b))));
        },
        array_of(a));
}

/// A tensor that does not require grad, for masks and other constants inside backward functions.
inline Tensor constant(Array value) { return make_leaf(std::move(value), false); }

/// NumPy's broadcast of two shapes; a ShapeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

/// `axis` in [-ndim, ndim) mapped to [0, ndim); an IndexError naming `op` otherwise.
std::size_t normalize_axis(const char* op, std::ptrdiff_t axis, std::size_t ndim);

/// The maximum of `a` over `axes`, in `keep_shape` (the reduced axes kept as size 1), with the
/// non-finite ones (an all -inf slice, or an empty one) replaced by 0: the shift that keeps
/// log-sum-exp from overflowing. (xtensor's amax reads out of bounds on an empty array.)
template <class A, class Axes>
xt::xarray<typename A::value_type> finite_max(const A& a, const Axes& axes,
                                              const Shape& keep_shape) {
    using T = typename A::value_type;
    xt::xarray<T> m = new_array<T>(keep_shape);
    if (a.size() == 0) {
        m.fill(T(0));
        return m;
    }
    xt::noalias(m) =
        xt::reshape_view(xt::amax(a, axes, xt::evaluation_strategy::immediate), keep_shape);
    for (auto& v : m)
        if (!std::isfinite(v)) v = T(0);
    return m;
}

/// Product of shape[begin..end).
std::size_t product(const Shape& shape, std::size_t begin, std::size_t end);

// Direct gradients. A backward function runs with grad mode off unless create_graph asked for
// differentiable gradients. With grad mode off it may compute its result in one pass over plain
// arrays instead of composing ops (each of which allocates a tensor): the differentiable form
// stays next to it for create_graph, and gradcheck covers both.

/// Whether `from` broadcasts to exactly `to` (so an elementwise result of the two has shape `to`).
inline bool broadcasts_into(const Shape& from, const Shape& to) {
    if (from.size() > to.size()) return false;
    const std::size_t lead = to.size() - from.size();
    for (std::size_t i = 0; i < from.size(); ++i)
        if (from[i] != 1 && from[i] != to[lead + i]) return false;
    return true;
}

/// True when a backward function may compute its gradients directly (no graph is recorded).
inline bool direct_backward() { return !is_grad_enabled(); }

/// Whether `g`'s buffer can be overwritten: nothing but the caller holds it. The engine hands a
/// backward function the output's pending gradient and holds no other reference to it.
inline bool owns_buffer(const Tensor& g) { return g.node().use_count() == 1; }

/// The gradient f(g, a), elementwise with a scalar function f(T, T) of arithmetic only (see
/// kernels.hpp), written into g's own buffer when g owns it and a broadcasts into g's shape,
/// else into a new one.
template <class F>
Tensor map_grad(const Tensor& g, const Tensor& a, F f) {
    return std::visit(
        [&](auto& ga) -> Tensor {
            using A = std::decay_t<decltype(ga)>;
            const A& aa = std::get<A>(array_of(a));
            if (broadcasts_into(aa.shape(), ga.shape()) && owns_buffer(g)) {
                binary_into(ga, ga, aa, f);
                return g;
            }
            return constant(Array(binary(ga, aa, broadcast_shapes("backward", ga.shape(), aa.shape()), f)));
        },
        g.node()->value);
}

/// The gradient f(g) (scalar f), in g's buffer when g owns it.
template <class F>
Tensor map_grad(const Tensor& g, F f) {
    return std::visit(
        [&](auto& ga) -> Tensor {
            if (owns_buffer(g)) {
                unary_into(ga, ga, f);
                return g;
            }
            return constant(Array(unary(ga, f)));
        },
        g.node()->value);
}

}  // namespace xgrad::detail
