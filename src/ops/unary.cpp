// Elementwise functions of one tensor: each value function beside its one derivative rule
// (include/xgrad/ops/pointwise.hpp), rule(g, x, y) with y the op's value.
#include <cmath>
#include <xtensor/xmath.hpp>

#include "ops/common.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/pointwise.hpp"

namespace xgrad {
using detail::apply;
using detail::constant;
using detail::element_t;

Tensor exp(const Tensor& x) {
    return unary_pointwise("exp", x, vectorisable([](const auto& v) {
                               using std::exp;
                               return exp(v);
                           }),
                           [](auto g, auto, auto y) { return g * y; });
}

Tensor log(const Tensor& x) {
    return unary_pointwise("log", x, vectorisable([](const auto& v) {
                               using std::log;
                               return log(v);
                           }),
                           [](auto g, auto x, auto) { return g / x; });
}

Tensor sqrt(const Tensor& x) {
    return unary_pointwise("sqrt", x, vectorisable([](const auto& v) {
                               using std::sqrt;
                               return sqrt(v);
                           }),
                           [](auto g, auto, auto y) { return g / (y * 2); });
}

Tensor abs(const Tensor& x) {
    return unary_pointwise(
        "abs", x, vectorisable([](const auto& v) {
            using std::abs;
            return abs(v);
        }),
        [](auto g, auto x, auto) { return g * sign(x); });  // 0 at x = 0, as in PyTorch
}

Tensor sign(const Tensor& x) {
    return constant(apply(x, [](const auto& a) { return xt::sign(a); }));
}

Tensor sigmoid(const Tensor& x) {
    // The scalar sigmoid's form (pointwise.hpp), written once more for xtensor's vectorised exp.
    return unary_pointwise("sigmoid", x, vectorisable([](const auto& v) {
                               using std::exp;
                               return 1 / (1 + exp(-v));
                           }),
                           [](auto g, auto, auto y) { return g * y * (1 - y); });
}

Tensor tanh(const Tensor& x) {
    return unary_pointwise("tanh", x, vectorisable([](const auto& v) {
                               using std::tanh;
                               return tanh(v);
                           }),
                           [](auto g, auto, auto y) { return g * (1 - y * y); });
}

Tensor relu(const Tensor& x) {
    // y > 0 exactly where x > 0: the rule reads the mask from the value.
    return unary_pointwise(
        "relu", x, [](auto v) { return v < 0 ? decltype(v)(0) : v; },
        [](auto g, auto, auto y) { return if_positive(y, g, 0); });
}

Tensor leaky_relu(const Tensor& x, double negative_slope) {
    Tensor y = unary_pointwise(
        "leaky_relu", x,
        [negative_slope](auto v) { return v > 0 ? v : v * decltype(v)(negative_slope); },
        [negative_slope](auto g, auto x, auto) {
            return if_positive(x, g, g * like(x, negative_slope));
        });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "leaky_relu", {x}, {{"negative_slope", negative_slope}});
    return y;
}

Tensor softplus(const Tensor& x) {
    return unary_pointwise(
        "softplus", x, [](auto v) { return softplus(v); },
        [](auto g, auto x, auto) { return g * sigmoid(x); });
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
    // Above the threshold softplus(beta x) / beta equals x to working precision, so torch returns
    // x there, and its gradient 1.
    Tensor y = unary_pointwise(
        "softplus_beta", x,
        [beta, threshold](auto v) {
            using T = decltype(v);
            return v * T(beta) > T(threshold) ? v : softplus(v * T(beta)) / T(beta);
        },
        [beta, threshold](auto g, auto x, auto) {
            return if_positive(x * like(x, beta) - like(x, threshold), g,
                               g * sigmoid(x * like(x, beta)));
        });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "softplus_beta", {x}, {{"beta", beta}, {"threshold", threshold}});
    return y;
}

Tensor log_sigmoid(const Tensor& x) {
    return unary_pointwise(
        "log_sigmoid", x, [](auto v) { return log_sigmoid(v); },
        [](auto g, auto x, auto) { return g * sigmoid(-x); });
}

Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max) {
    if (!min && !max)
        throw ValueError("clamp: neither min nor max is given (expected at least one bound)");
    // A missing bound is an infinite one. torch's min(max(x, min), max): with min > max every
    // element is max. The gradient is 1 inside [min, max], bounds included, and 0 outside (so
    // everywhere when min > max).
    const double lo = min.value_or(-INFINITY), hi = max.value_or(INFINITY);
    Tensor y = unary_pointwise(
        "clamp", x,
        [lo, hi](auto v) {
            using T = decltype(v);
            const T raised = v < T(lo) ? T(lo) : v;
            return raised > T(hi) ? T(hi) : raised;
        },
        [lo, hi](auto g, auto x, auto) {
            return if_positive(like(x, lo) - x, 0, if_positive(x - like(x, hi), 0, g));
        });
    if (OpTrace* trace = OpTrace::current()) {
        OpAttributes bounds;
        if (min) bounds["min"] = *min;
        if (max) bounds["max"] = *max;
        trace->record(y, "clamp", {x}, std::move(bounds));
    }
    return y;
}

Tensor clamp_min(const Tensor& x, double min) { return clamp(x, min, std::nullopt); }

Tensor clamp_max(const Tensor& x, double max) { return clamp(x, std::nullopt, max); }

}  // namespace xgrad
