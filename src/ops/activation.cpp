// softmax and log_softmax along an axis, shifted by the maximum for stability, forward beside
// backward (both written with differentiable ops, so they have higher-order gradients).
#include "xgrad/ops/activation.hpp"

#include <limits>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>

#include "ops/common.hpp"
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
/// The backward pass of softmax (out * (g - Σ g·out)) or log_softmax (g - e^out Σ g) along
/// `axis`, computed directly, into g's buffer when it owns it.
Tensor row_grad(const Tensor& g, const Tensor& out, std::size_t axis, bool is_softmax) {
    return std::visit(
        [&](const auto& y) -> Tensor {
            using A = std::decay_t<decltype(y)>;
            if (y.size() == 0) return g;  // nothing to compute (and no reducer on empty arrays)
            const A& d = std::get<A>(array_of(g));
            const std::vector<std::size_t> axes{axis};
            Shape keep = y.shape();
            keep[axis] = 1;
            A total = is_softmax ? A(xt::sum(d * y, axes, xt::evaluation_strategy::immediate))
                                 : A(xt::sum(d, axes, xt::evaluation_strategy::immediate));
            total.reshape(keep);
            const auto result = [&]() {
                return is_softmax ? A(y * (d - total)) : A(d - xt::exp(y) * total);
            };
            if (!detail::owns_buffer(g)) return detail::constant(Array(result()));
            A& target = std::get<A>(g.node()->value);
            if (is_softmax)
                xt::noalias(target) = y * (target - total);
            else
                xt::noalias(target) = target - xt::exp(y) * total;
            return g;
        },
        array_of(out));
}
}  // namespace

Tensor softmax(const Tensor& x, std::ptrdiff_t axis) {
    const std::size_t ax = detail::normalize_axis("softmax", axis, x.dim());
    return make_op("softmax", detail::apply(x, [ax](const auto& a) { return xt::exp(a - log_sum_exp(a, ax)); }),
                   {x}, [ax](const Tensor& g, const Tensor& out, const Inputs&) {
                       // J^T g = out * (g - Σ g·out)
                       if (detail::direct_backward()) return Grads{row_grad(g, out, ax, true)};
                       const Axes axes{static_cast<std::ptrdiff_t>(ax)};
                       return Grads{out * (g - sum(g * out, axes, true))};
                   });
}

Tensor log_softmax(const Tensor& x, std::ptrdiff_t axis) {
    const std::size_t ax = detail::normalize_axis("log_softmax", axis, x.dim());
    return make_op("log_softmax", detail::apply(x, [ax](const auto& a) { return a - log_sum_exp(a, ax); }),
                   {x}, [ax](const Tensor& g, const Tensor& out, const Inputs&) {
                       // J^T g = g - softmax * Σ g
                       if (detail::direct_backward()) return Grads{row_grad(g, out, ax, false)};
                       const Axes axes{static_cast<std::ptrdiff_t>(ax)};
                       return Grads{g - exp(out) * sum(g, axes, true)};
                   });
}

}  // namespace xgrad
