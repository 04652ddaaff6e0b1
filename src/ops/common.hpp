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

#include "pool.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/grad_mode.hpp"

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

using xgrad::broadcast_shapes;

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

}  // namespace xgrad::detail
