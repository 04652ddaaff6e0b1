// softmax and log_softmax along an axis, shifted by the maximum for stability, forward beside
// backward (both written with differentiable ops, so they have higher-order gradients).
#include "xgrad/ops/activation.hpp"

#include <limits>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>

#include "ops/common.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"

namespace xgrad {
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
/// log Σ exp(a) along `axis` with keepdims, from the shifted sum.
template <class A>
auto log_sum_exp(const A& a, std::size_t axis) {
    using T = element_t<A>;
    const std::vector<std::size_t> axes{axis};
    Shape keep = a.shape();
    keep[axis] = 1;
    if (a.size() == 0) {  // log of an empty sum; xtensor's reducers read out of bounds here
        xt::xarray<T> empty = detail::new_array<T>(keep);
        empty.fill(-std::numeric_limits<T>::infinity());
        return empty;
    }
    const xt::xarray<T> m = detail::finite_max(a, axes, keep);
    xt::xarray<T> s = xt::sum(xt::exp(a - m), axes, xt::evaluation_strategy::immediate);
    s.reshape(keep);
    return xt::xarray<T>(xt::log(s) + m);
}
/// y * (g - Σ g·y) along `axis`: J^T g for y = softmax(x).
template <class A>
A softmax_vjp(const A& d, const A& y, std::size_t axis) {
    if (y.size() == 0) return y;  // nothing to compute (and no reducer on empty arrays)
    Shape keep = y.shape();
    keep[axis] = 1;
    A total = xt::sum(d * y, std::vector<std::size_t>{axis}, xt::evaluation_strategy::immediate);
    total.reshape(keep);
    return y * (d - total);
}

/// g - e^y Σ g along `axis`: J^T g for y = log_softmax(x).
template <class A>
A log_softmax_vjp(const A& d, const A& y, std::size_t axis) {
    if (y.size() == 0) return y;
    Shape keep = y.shape();
    keep[axis] = 1;
    A total = xt::sum(d, std::vector<std::size_t>{axis}, xt::evaluation_strategy::immediate);
    total.reshape(keep);
    return d - xt::exp(y) * total;
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
        make_op("softmax",
                detail::apply(x, [ax](const auto& a) { return xt::exp(a - log_sum_exp(a, ax)); }),
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
                       detail::apply(x, [ax](const auto& a) { return a - log_sum_exp(a, ax); }),
                       {x}, [ax](const Tensor& g, const Tensor& out, const Inputs&) {
                           return Grads{log_softmax_backward(g, out, ax)};
                       });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "log_softmax", {x}, {{"axis", static_cast<std::int64_t>(ax)}});
    return y;
}

}  // namespace xgrad
