// Elementwise functions of one tensor, each forward beside its backward. Backward functions use
// differentiable ops (so create_graph gives higher-order gradients); masks are constants, whose
// derivative is zero almost everywhere.
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "ops/common.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {
using detail::apply;
using detail::constant;
using detail::element_t;
using detail::Grads;
using detail::Inputs;

Tensor exp(const Tensor& x) {
    return make_op("exp", apply(x, [](const auto& a) { return xt::exp(a); }), {x},
                   [](const Tensor& g, const Tensor& out, const Inputs&) { return Grads{g * out}; });
}

Tensor log(const Tensor& x) {
    return make_op("log", apply(x, [](const auto& a) { return xt::log(a); }), {x},
                   [](const Tensor& g, const Tensor&, const Inputs& in) { return Grads{g / in[0]}; });
}

Tensor sqrt(const Tensor& x) {
    return make_op("sqrt", apply(x, [](const auto& a) { return xt::sqrt(a); }), {x},
                   [](const Tensor& g, const Tensor& out, const Inputs&) {
                       return Grads{g / (out * 2.0)};
                   });
}

Tensor abs(const Tensor& x) {
    return make_op("abs", apply(x, [](const auto& a) { return xt::abs(a); }), {x},
                   [](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{g * sign(in[0])};
                   });
}

Tensor sign(const Tensor& x) {
    return constant(apply(x, [](const auto& a) { return xt::sign(a); }));
}

Tensor sigmoid(const Tensor& x) {
    return make_op("sigmoid",
                   apply(x,
                         [](const auto& a) {
                             using T = element_t<decltype(a)>;
                             // e^-|a| never overflows; pick the form that divides by 1 + e^-|a|.
                             const xt::xarray<T> e = xt::exp(-xt::abs(a));
                             return xt::xarray<T>(
                                 xt::where(a >= T(0), T(1) / (T(1) + e), e / (T(1) + e)));
                         }),
                   {x}, [](const Tensor& g, const Tensor& out, const Inputs&) {
                       return Grads{g * out * (1.0 - out)};
                   });
}

Tensor tanh(const Tensor& x) {
    return make_op("tanh", apply(x, [](const auto& a) { return xt::tanh(a); }), {x},
                   [](const Tensor& g, const Tensor& out, const Inputs&) {
                       return Grads{g * (1.0 - out * out)};
                   });
}

Tensor relu(const Tensor& x) {
    return make_op(
        "relu",
        apply(x, [](const auto& a) { return xt::maximum(a, element_t<decltype(a)>(0)); }), {x},
        [](const Tensor& g, const Tensor&, const Inputs& in) {
            return Grads{g * gt(in[0], zeros_like(in[0]))};
        });
}

Tensor leaky_relu(const Tensor& x, double negative_slope) {
    return make_op("leaky_relu",
                   apply(x,
                         [negative_slope](const auto& a) {
                             using T = element_t<decltype(a)>;
                             return xt::where(a > T(0), a, a * T(negative_slope));
                         }),
                   {x}, [negative_slope](const Tensor& g, const Tensor&, const Inputs& in) {
                       const Tensor slope = constant(apply(in[0], [negative_slope](const auto& a) {
                           using T = element_t<decltype(a)>;
                           return xt::where(a > T(0), T(1), T(negative_slope));
                       }));
                       return Grads{g * slope};
                   });
}

Tensor softplus(const Tensor& x) {
    return make_op("softplus",
                   apply(x,
                         [](const auto& a) {
                             using T = element_t<decltype(a)>;
                             // log(1 + e^a) = max(a, 0) + log1p(e^-|a|): no overflow for large a.
                             return xt::maximum(a, T(0)) + xt::log1p(xt::exp(-xt::abs(a)));
                         }),
                   {x}, [](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{g * sigmoid(in[0])};
                   });
}

Tensor log_sigmoid(const Tensor& x) {
    return make_op("log_sigmoid",
                   apply(x,
                         [](const auto& a) {
                             using T = element_t<decltype(a)>;
                             // log σ(a) = min(a, 0) - log1p(e^-|a|): no log(0) for very negative a.
                             return xt::minimum(a, T(0)) - xt::log1p(xt::exp(-xt::abs(a)));
                         }),
                   {x}, [](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{g * sigmoid(-in[0])};
                   });
}

Tensor clamp(const Tensor& x, double min, double max) {
    if (min > max)
        throw ValueError("clamp: min " + std::to_string(min) + " is greater than max " +
                         std::to_string(max));
    return make_op("clamp",
                   apply(x,
                         [min, max](const auto& a) {
                             using T = element_t<decltype(a)>;
                             return xt::clip(a, T(min), T(max));
                         }),
                   {x}, [min, max](const Tensor& g, const Tensor&, const Inputs& in) {
                       const Tensor inside = constant(apply(in[0], [min, max](const auto& a) {
                           using T = element_t<decltype(a)>;
                           return xt::cast<T>(a >= T(min) && a <= T(max));
                       }));
                       return Grads{g * inside};
                   });
}

}  // namespace xgrad
