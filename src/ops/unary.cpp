// Elementwise functions of one tensor, each forward beside its backward. Backward functions use
// differentiable ops (so create_graph gives higher-order gradients); masks are constants, whose
// derivative is zero almost everywhere.
#include <algorithm>
#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "ops/common.hpp"
#include "ops/scalar_math.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {
using detail::apply;
using detail::constant;
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
using detail::map_grad;

/// σ(a), evaluated: e^-|a| never overflows, and the form that divides by 1 + e^-|a| is picked by
/// the sign of a. `negate` gives σ(-a).
template <class A>
A sigmoid_of(const A& a, bool negate = false) {
    using T = element_t<A>;
    if (a.size() <= detail::kSmallArray)
        return detail::unary(a, [negate](T v) { return detail::sigmoid_scalar(negate ? -v : v); });
    const A e = detail::evaluate<T>(xt::exp(-xt::abs(a)));
    if (negate)
        return detail::evaluate<T>(xt::where(a <= T(0), T(1) / (T(1) + e), e / (T(1) + e)));
    return detail::evaluate<T>(xt::where(a >= T(0), T(1) / (T(1) + e), e / (T(1) + e)));
}

/// f(x) elementwise: scalar loops for small tensors, xtensor's vectorised `vectorised` else.
template <class F, class V>
Array math(const Tensor& x, F scalar, V vectorised) {
    return std::visit([&](const auto& a) -> Array { return detail::unary_math(a, scalar, vectorised); },
                      array_of(x));
}

/// g * σ(±x) computed directly: one array for σ, the product into g's buffer when it owns it.
Tensor times_sigmoid(const Tensor& g, const Tensor& x, bool negate) {
    const Tensor s = detail::constant(
        std::visit([&](const auto& a) { return Array(sigmoid_of(a, negate)); }, array_of(x)));
    return map_grad(g, s, [](auto d, auto y) { return d * y; });
}
}  // namespace

Tensor exp(const Tensor& x) {
    return make_op("exp", math(x, [](auto v) { return std::exp(v); }, [](const auto& a) { return xt::exp(a); }), {x},
                   [](const Tensor& g, const Tensor& out, const Inputs&) {
                       if (detail::direct_backward())
                           return Grads{map_grad(g, out, [](auto d, auto y) { return d * y; })};
                       return Grads{g * out};
                   });
}

Tensor log(const Tensor& x) {
    return make_op("log", math(x, [](auto v) { return std::log(v); }, [](const auto& a) { return xt::log(a); }), {x},
                   [](const Tensor& g, const Tensor&, const Inputs& in) {
                       if (detail::direct_backward())
                           return Grads{map_grad(g, in[0], [](auto d, auto a) { return d / a; })};
                       return Grads{g / in[0]};
                   });
}

Tensor sqrt(const Tensor& x) {
    return make_op("sqrt", math(x, [](auto v) { return std::sqrt(v); }, [](const auto& a) { return xt::sqrt(a); }), {x},
                   [](const Tensor& g, const Tensor& out, const Inputs&) {
                       if (detail::direct_backward())
                           return Grads{map_grad(g, out, [](auto d, auto y) {
                               return d / (y * decltype(y)(2));
                           })};
                       return Grads{g / (out * 2.0)};
                   });
}

Tensor abs(const Tensor& x) {
    return make_op("abs", math(x, [](auto v) { return std::abs(v); }, [](const auto& a) { return xt::abs(a); }), {x},
                   [](const Tensor& g, const Tensor&, const Inputs& in) {
                       if (detail::direct_backward())
                           return Grads{map_grad(g, in[0], [](auto d, auto a) {
                               using T = decltype(a);
                               return a > T(0) ? d : (a < T(0) ? -d : T(0));
                           })};
                       return Grads{g * sign(in[0])};
                   });
}

Tensor sign(const Tensor& x) {
    return constant(apply(x, [](const auto& a) { return xt::sign(a); }));
}

Tensor sigmoid(const Tensor& x) {
    return make_op("sigmoid", apply(x, [](const auto& a) { return sigmoid_of(a); }), {x},
                   [](const Tensor& g, const Tensor& out, const Inputs&) {
                       if (detail::direct_backward())
                           return Grads{map_grad(g, out, [](auto d, auto y) {
                               return d * y * (decltype(y)(1) - y);
                           })};
                       return Grads{g * out * (1.0 - out)};
                   });
}

Tensor tanh(const Tensor& x) {
    return make_op("tanh", math(x, [](auto v) { return std::tanh(v); }, [](const auto& a) { return xt::tanh(a); }), {x},
                   [](const Tensor& g, const Tensor& out, const Inputs&) {
                       if (detail::direct_backward())
                           return Grads{map_grad(g, out, [](auto d, auto y) {
                               return d * (decltype(y)(1) - y * y);
                           })};
                       return Grads{g * (1.0 - out * out)};
                   });
}

Tensor relu(const Tensor& x) {
    Array value = std::visit(
        [](const auto& a) -> Array {
            return detail::unary(a, [](auto v) { return v < decltype(v)(0) ? decltype(v)(0) : v; });
        },
        array_of(x));
    return make_op("relu", std::move(value), {x},
                   [](const Tensor& g, const Tensor& out, const Inputs& in) {
                       // out > 0 exactly where x > 0: the mask is read from the output.
                       if (detail::direct_backward())
                           return Grads{map_grad(g, out, [](auto d, auto y) {
                               return y > decltype(y)(0) ? d : decltype(y)(0);
                           })};
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
                   // log(1 + e^a) = max(a, 0) + log1p(e^-|a|): no overflow for large a.
                   math(
                       x,
                       [](auto v) { return detail::softplus_scalar(v); },
                       [](const auto& a) {
                           using T = element_t<decltype(a)>;
                           return xt::maximum(a, T(0)) + xt::log1p(xt::exp(-xt::abs(a)));
                       }),
                   {x}, [](const Tensor& g, const Tensor&, const Inputs& in) {
                       if (detail::direct_backward()) return Grads{times_sigmoid(g, in[0], false)};
                       return Grads{g * sigmoid(in[0])};
                   });
}

Tensor log_sigmoid(const Tensor& x) {
    return make_op("log_sigmoid",
                   // log σ(a) = min(a, 0) - log1p(e^-|a|): no log(0) for very negative a.
                   math(
                       x,
                       [](auto v) {
                           using T = decltype(v);
                           return std::min(v, T(0)) - std::log1p(std::exp(-std::abs(v)));
                       },
                       [](const auto& a) {
                           using T = element_t<decltype(a)>;
                           return xt::minimum(a, T(0)) - xt::log1p(xt::exp(-xt::abs(a)));
                       }),
                   {x}, [](const Tensor& g, const Tensor&, const Inputs& in) {
                       if (detail::direct_backward()) return Grads{times_sigmoid(g, in[0], true)};
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
