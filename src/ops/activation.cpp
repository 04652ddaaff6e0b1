// softmax and log_softmax along an axis, shifted by the maximum for stability, forward beside
// backward (both written with differentiable ops, so they have higher-order gradients).
#include "xgrad/ops/activation.hpp"

#include <algorithm>
#include <limits>
#include <vector>
#include <xtensor/xmath.hpp>

#include "ops/common.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/pointwise.hpp"
#include "xgrad/ops/reduce.hpp"

namespace xgrad {
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
/// Calls `f(first, stride)` for every lane of an array of `shape` along `axis`: the lane's
/// elements are at first + k stride for k < shape[axis]. Along the last axis (softmax's usual
/// one) the lanes are contiguous rows.
template <class F>
void for_each_lane(const Shape& shape, std::size_t axis, F f) {
    std::size_t outer = 1, inner = 1;
    for (std::size_t a = 0; a < axis; ++a) outer *= shape[a];
    for (std::size_t a = axis + 1; a < shape.size(); ++a) inner *= shape[a];
    const std::size_t block = shape[axis] * inner;
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < inner; ++i) f(o * block + i, inner);
}

/// e^v elementwise in place: xtensor's vectorised exp above a few dozen elements, unless the
/// values leave its range (NaN, +inf). A mask's -inf, and anything below -1000, is first raised
/// to -1000, where e^v is 0 in float and double alike.
template <class T>
void exp_in_place(xt::xarray<T>& v) {
    for (T& e : v) e = e < T(-1000) ? T(-1000) : e;
    if (v.size() > detail::kSmallArray && detail::in_simd_range(v.data(), v.size()))
        xt::noalias(v) = xt::exp(v);
    else
        for (T& e : v) e = std::exp(e);
}

/// out = x - m along each lane, m the lane's maximum (0 for an all -inf lane): the shift that
/// keeps e^x from overflowing. A +inf maximum stays, so that its lane is NaN, as in torch.
template <class T>
void shift_by_max(const xt::xarray<T>& x, std::size_t axis, xt::xarray<T>& out) {
    const std::size_t n = x.shape()[axis];
    for_each_lane(x.shape(), axis,
                  [&, px = x.data(), po = out.data()](std::size_t first, std::size_t stride) {
                      T m = -std::numeric_limits<T>::infinity();
                      for (std::size_t k = 0; k < n; ++k) m = std::max(m, px[first + k * stride]);
                      if (m == -std::numeric_limits<T>::infinity()) m = T(0);
                      for (std::size_t k = 0; k < n; ++k)
                          po[first + k * stride] = px[first + k * stride] - m;
                  });
}

/// Σ_k f(j) over the elements j = first + k stride of one lane of n elements.
template <class T, class F>
T lane_sum(std::size_t first, std::size_t stride, std::size_t n, F f) {
    T s = T(0);
    for (std::size_t k = 0; k < n; ++k) s += f(first + k * stride);
    return s;
}

/// y = e^(x - m) / Σ e^(x - m) along `axis`.
template <class T>
xt::xarray<T> softmax_value(const xt::xarray<T>& x, std::size_t axis) {
    xt::xarray<T> y = detail::new_array<T>(x.shape());
    if (x.size() == 0) return y;
    shift_by_max(x, axis, y);
    exp_in_place(y);
    const std::size_t n = x.shape()[axis];
    for_each_lane(x.shape(), axis, [n, p = y.data()](std::size_t first, std::size_t stride) {
        const T s = lane_sum<T>(first, stride, n, [p](std::size_t j) { return p[j]; });
        for (std::size_t k = 0; k < n; ++k) p[first + k * stride] /= s;
    });
    return y;
}

/// y = (x - m) - log Σ e^(x - m) along `axis`.
template <class T>
xt::xarray<T> log_softmax_value(const xt::xarray<T>& x, std::size_t axis) {
    xt::xarray<T> y = detail::new_array<T>(x.shape());
    if (x.size() == 0) return y;
    shift_by_max(x, axis, y);
    xt::xarray<T> e = detail::new_array<T>(x.shape());
    std::copy_n(y.data(), y.size(), e.data());
    exp_in_place(e);
    const std::size_t n = x.shape()[axis];
    for_each_lane(
        x.shape(), axis, [n, p = y.data(), pe = e.data()](std::size_t first, std::size_t stride) {
            const T log_sum =
                std::log(lane_sum<T>(first, stride, n, [pe](std::size_t j) { return pe[j]; }));
            for (std::size_t k = 0; k < n; ++k) p[first + k * stride] -= log_sum;
        });
    Array spent(std::move(e));
    detail::recycle(spent);  // back to the pool: a large temporary would page-fault in afresh
    return y;
}

/// y * (g - Σ g·y) along `axis`: J^T g for y = softmax(x).
template <class T>
xt::xarray<T> softmax_vjp(const xt::xarray<T>& d, const xt::xarray<T>& y, std::size_t axis) {
    xt::xarray<T> out = detail::new_array<T>(y.shape());
    if (y.size() == 0) return out;
    const std::size_t n = y.shape()[axis];
    for_each_lane(
        y.shape(), axis,
        [n, pd = d.data(), py = y.data(), po = out.data()](std::size_t first, std::size_t stride) {
            const T total =
                lane_sum<T>(first, stride, n, [pd, py](std::size_t j) { return pd[j] * py[j]; });
            for (std::size_t k = 0, j = first; k < n; ++k, j += stride)
                po[j] = py[j] * (pd[j] - total);
        });
    return out;
}

/// g - e^y Σ g along `axis`: J^T g for y = log_softmax(x).
template <class T>
xt::xarray<T> log_softmax_vjp(const xt::xarray<T>& d, const xt::xarray<T>& y, std::size_t axis) {
    xt::xarray<T> out = detail::new_array<T>(y.shape());
    if (y.size() == 0) return out;
    std::copy_n(y.data(), y.size(), out.data());
    exp_in_place(out);
    const std::size_t n = y.shape()[axis];
    for_each_lane(y.shape(), axis,
                  [n, pd = d.data(), po = out.data()](std::size_t first, std::size_t stride) {
                      const T total =
                          lane_sum<T>(first, stride, n, [pd](std::size_t j) { return pd[j]; });
                      for (std::size_t k = 0, j = first; k < n; ++k, j += stride)
                          po[j] = pd[j] - po[j] * total;
                  });
    return out;
}

Axes axis_list(std::size_t axis) { return Axes{static_cast<std::ptrdiff_t>(axis)}; }

/// softmax's gradient as an op of (g, y), so that it can be differentiated again.
Tensor softmax_backward(const Tensor& g, const Tensor& y, std::size_t axis) {
    return make_op(
        "softmax_backward",
        detail::apply("softmax_backward", g, y,
                      [axis](const auto& d, const auto& v) { return softmax_vjp(d, v, axis); }),
        {g, y}, [axis](const Tensor& u, const Tensor&, const Inputs& in) {
            // f = y (g - Σ g y): df/dg^T u = softmax_backward(u, y);
            // df/dy^T u = u (g - Σ g y) - g Σ u y.
            const Tensor& g = in[0];
            const Tensor& y = in[1];
            const Axes axes = axis_list(axis);
            return Grads{softmax_backward(u, y, axis),
                         u * (g - sum(g * y, axes, true)) - g * sum(u * y, axes, true)};
        });
}

/// log_softmax's gradient as an op of (g, y).
Tensor log_softmax_backward(const Tensor& g, const Tensor& y, std::size_t axis) {
    return make_op(
        "log_softmax_backward",
        detail::apply("log_softmax_backward", g, y,
                      [axis](const auto& d, const auto& v) { return log_softmax_vjp(d, v, axis); }),
        {g, y}, [axis](const Tensor& u, const Tensor&, const Inputs& in) {
            // f = g - e^y Σ g: df/dg^T u = u - Σ u e^y; df/dy^T u = -u e^y Σ g.
            const Tensor& g = in[0];
            const Tensor& y = in[1];
            const Axes axes = axis_list(axis);
            const Tensor p = exp(y);
            return Grads{u - sum(u * p, axes, true), -(u * p * sum(g, axes, true))};
        });
}
}  // namespace

Tensor softmax(const Tensor& x, std::ptrdiff_t axis) {
    const std::size_t ax = detail::normalize_axis("softmax", axis, x.dim());
    Tensor y =
        make_op("softmax", detail::apply(x, [ax](const auto& a) { return softmax_value(a, ax); }),
                {x}, [ax](const Tensor& g, const Tensor& out, const Inputs&) {
                    return Grads{softmax_backward(g, out, ax)};
                });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "softmax", {x}, {{"axis", static_cast<std::int64_t>(ax)}});
    return y;
}

Tensor log_softmax(const Tensor& x, std::ptrdiff_t axis) {
    const std::size_t ax = detail::normalize_axis("log_softmax", axis, x.dim());
    Tensor y = make_op("log_softmax",
                       detail::apply(x, [ax](const auto& a) { return log_softmax_value(a, ax); }),
                       {x}, [ax](const Tensor& g, const Tensor& out, const Inputs&) {
                           return Grads{log_softmax_backward(g, out, ax)};
                       });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "log_softmax", {x}, {{"axis", static_cast<std::int64_t>(ax)}});
    return y;
}

}  // namespace xgrad
