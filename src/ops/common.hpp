#pragma once
// Helpers shared by the op implementations: running a kernel on a tensor's array for its dtype,
// broadcasting checks, axis normalisation and constant (non-differentiable) tensors.

#include <string>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xbroadcast.hpp>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad::detail {

using Grads = std::vector<Tensor>;
using Inputs = std::vector<Tensor>;

template <class A>
using element_t = typename std::decay_t<A>::value_type;

/// Runs `kernel(array)` on the tensor's array and evaluates the result into an array of the same
/// element type. A kernel may return a lazy expression of its arguments, but must evaluate
/// expressions that refer to its own locals (they die when it returns).
template <class Kernel>
Array apply(const Tensor& x, Kernel&& kernel) {
    return std::visit(
        [&](const auto& a) -> Array { return xt::xarray<element_t<decltype(a)>>(kernel(a)); },
        array_of(x));
}

/// Runs `kernel(a_array, b_array)` on two tensors of one dtype (checked, naming `op`).
template <class Kernel>
Array apply(const char* op, const Tensor& a, const Tensor& b, Kernel&& kernel) {
    check_same_dtype(op, {a, b});
    return std::visit(
        [&](const auto& x) -> Array {
            using A = std::decay_t<decltype(x)>;
            return xt::xarray<element_t<A>>(kernel(x, std::get<A>(array_of(b))));
        },
        array_of(a));
}

/// NumPy's broadcast of two shapes; a ShapeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

/// `axis` in [-ndim, ndim) mapped to [0, ndim); an IndexError naming `op` otherwise.
std::size_t normalize_axis(const char* op, std::ptrdiff_t axis, std::size_t ndim);

/// A tensor that does not require grad, for masks and other constants inside backward functions.
inline Tensor constant(Array value) { return make_leaf(std::move(value), false); }

/// Product of shape[begin..end).
std::size_t product(const Shape& shape, std::size_t begin, std::size_t end);

}  // namespace xgrad::detail
