// Comparisons (constants), where, maximum and minimum.
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

namespace {
template <class Compare>
Tensor comparison(const char* op, const Tensor& a, const Tensor& b, Compare compare) {
    detail::broadcast_shapes(op, a.shape(), b.shape());
    return constant(apply(op, a, b, [&](const auto& x, const auto& y) {
        return xt::cast<element_t<decltype(x)>>(compare(x, y));
    }));
}
}  // namespace

Tensor gt(const Tensor& a, const Tensor& b) {
    return comparison("gt", a, b, [](const auto& x, const auto& y) { return x > y; });
}
Tensor ge(const Tensor& a, const Tensor& b) {
    return comparison("ge", a, b, [](const auto& x, const auto& y) { return x >= y; });
}
Tensor lt(const Tensor& a, const Tensor& b) {
    return comparison("lt", a, b, [](const auto& x, const auto& y) { return x < y; });
}
Tensor le(const Tensor& a, const Tensor& b) {
    return comparison("le", a, b, [](const auto& x, const auto& y) { return x <= y; });
}
Tensor eq(const Tensor& a, const Tensor& b) {
    return comparison("eq", a, b, [](const auto& x, const auto& y) { return xt::equal(x, y); });
}

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
    check_same_dtype("where", {condition, a, b});
    detail::broadcast_shapes(
        "where", detail::broadcast_shapes("where", condition.shape(), a.shape()), b.shape());
    Array value = std::visit(
        [&](const auto& c) -> Array {
            using A = std::decay_t<decltype(c)>;
            using T = element_t<A>;
            return xt::xarray<T>(xt::where(xt::not_equal(c, T(0)), std::get<A>(array_of(a)),
                                           std::get<A>(array_of(b))));
        },
        array_of(condition));
    return make_op("where", std::move(value), {condition, a, b},
                   [](const Tensor& g, const Tensor&, const Inputs& in) {
                       const Tensor chosen = constant(apply(in[0], [](const auto& c) {
                           using T = element_t<decltype(c)>;
                           return xt::cast<T>(xt::not_equal(c, T(0)));
                       }));
                       return Grads{Tensor(), g * chosen, g * (1.0 - chosen)};
                   });
}

namespace {
/// maximum / minimum: `first_wins` is 1 where a is chosen, 0.5 at ties (PyTorch splits the
/// gradient evenly there), 0 elsewhere.
template <class Better>
Tensor extremum(const char* op, const Tensor& a, const Tensor& b, Better better) {
    detail::broadcast_shapes(op, a.shape(), b.shape());
    return make_op(
        op,
        apply(op, a, b,
              [&](const auto& x, const auto& y) { return xt::where(better(x, y), x, y); }),
        {a, b}, [better, op](const Tensor& g, const Tensor&, const Inputs& in) {
            const Tensor first_wins =
                constant(apply(op, in[0], in[1], [&](const auto& x, const auto& y) {
                    using T = element_t<decltype(x)>;
                    return xt::cast<T>(better(x, y)) + T(0.5) * xt::cast<T>(xt::equal(x, y));
                }));
            return Grads{g * first_wins, g * (1.0 - first_wins)};
        });
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
    return extremum("maximum", a, b, [](const auto& x, const auto& y) { return x > y; });
}
Tensor minimum(const Tensor& a, const Tensor& b) {
    return extremum("minimum", a, b, [](const auto& x, const auto& y) { return x < y; });
}

}  // namespace xgrad
