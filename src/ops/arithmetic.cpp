// add, sub, mul, div (tensor and scalar forms), neg and pow: each value function beside its
// derivative, one rule per input (include/xgrad/ops/pointwise.hpp).
#include <cmath>
#include <xtensor/xmath.hpp>

#include "ops/common.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/pointwise.hpp"

namespace xgrad {

Tensor add(const Tensor& a, const Tensor& b) {
    return make_op("add", detail::binary_value("add", a, b, [](auto x, auto y) { return x + y; }),
                   {a, b}, [](const Tensor& g, const Tensor&, const Inputs&) {
                       return Grads{g, g};
                   });
}

Tensor sub(const Tensor& a, const Tensor& b) {
    return make_op("sub", detail::binary_value("sub", a, b, [](auto x, auto y) { return x - y; }),
                   {a, b}, [](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{g, in[1].requires_grad() ? -g : Tensor()};
                   });
}

Tensor mul(const Tensor& a, const Tensor& b) {
    return binary_pointwise(
        "mul", a, b, [](auto x, auto y) { return x * y; },
        [](auto g, auto, auto b, auto) { return g * b; },
        [](auto g, auto a, auto, auto) { return g * a; });
}

Tensor div(const Tensor& a, const Tensor& b) {
    return binary_pointwise(
        "div", a, b, [](auto x, auto y) { return x / y; },
        [](auto g, auto, auto b, auto) { return g / b; },
        [](auto g, auto, auto b, auto y) { return -(g * y / b); });  // d(a/b)/db = -a/b^2 = -y/b
}

namespace {
/// The gradient of a shift x + c: g itself, handed on without a copy.
Grads passed_on(const Tensor& g, const Tensor&, const Inputs&) { return Grads{g}; }

template <class F>
Array map_value(const Tensor& x, F f) {
    return std::visit([&](const auto& a) -> Array { return detail::map_array(a, f); }, array_of(x));
}

/// `y`, recorded for an exporter as `op` of `x` and the number `scalar`.
Tensor traced(Tensor y, const char* op, const Tensor& x, double scalar) {
    if (OpTrace* trace = OpTrace::current()) trace->record(y, op, {x}, {{"scalar", scalar}});
    return y;
}
}  // namespace

Tensor add(const Tensor& a, double b) {
    return traced(make_op("add_scalar", map_value(a, [b](auto x) { return x + decltype(x)(b); }),
                          {a}, passed_on),
                  "add_scalar", a, b);
}

Tensor sub(const Tensor& a, double b) {
    return traced(make_op("sub_scalar", map_value(a, [b](auto x) { return x - decltype(x)(b); }),
                          {a}, passed_on),
                  "sub_scalar", a, b);
}

Tensor sub(double a, const Tensor& b) {
    return traced(unary_pointwise(
                      "rsub_scalar", b, [a](auto x) { return decltype(x)(a) - x; },
                      [](auto g, auto, auto) { return -g; }),
                  "rsub_scalar", b, a);
}

Tensor mul(const Tensor& a, double b) {
    return traced(unary_pointwise(
                      "mul_scalar", a, [b](auto x) { return x * decltype(x)(b); },
                      [b](auto g, auto, auto) { return g * like(g, b); }),
                  "mul_scalar", a, b);
}

Tensor div(const Tensor& a, double b) {
    return traced(unary_pointwise(
                      "div_scalar", a, [b](auto x) { return x / decltype(x)(b); },
                      [b](auto g, auto, auto) { return g / like(g, b); }),
                  "div_scalar", a, b);
}

Tensor div(double a, const Tensor& b) {
    return traced(unary_pointwise(
                      "rdiv_scalar", b, [a](auto x) { return decltype(x)(a) / x; },
                      [](auto g, auto x, auto y) { return -(g * y / x); }),  // -a/x^2 = -y/x
                  "rdiv_scalar", b, a);
}

Tensor neg(const Tensor& x) {
    return unary_pointwise(
        "neg", x, [](auto v) { return -v; }, [](auto g, auto, auto) { return -g; });
}

Tensor pow(const Tensor& x, double exponent) {
    const auto value = [exponent](auto v) { return std::pow(v, decltype(v)(exponent)); };
    if (exponent == 0.0)  // x^0 = 1 everywhere, also at x = 0: the gradient is 0, not 0 * 0^-1
        return traced(unary_pointwise("pow_scalar", x, value,
                                      [](auto g, auto, auto) { return zero_like(g); }),
                      "pow_scalar", x, exponent);
    return traced(unary_pointwise("pow_scalar", x, value,
                                  [exponent](auto g, auto x, auto) {
                                      using std::pow;
                                      return g *
                                             (pow(x, like(x, exponent - 1)) * like(x, exponent));
                                  }),
                  "pow_scalar", x, exponent);
}

Tensor pow(const Tensor& a, const Tensor& b) {
    return make_op(
        "pow", detail::binary_value("pow", a, b, [](auto x, auto y) { return std::pow(x, y); }),
        {a, b}, [](const Tensor& g, const Tensor& out, const Inputs& in) {
            Tensor grad_a = in[0].requires_grad() ? g * in[1] * pow(in[0], in[1] - 1.0) : Tensor();
            Tensor grad_b;
            if (in[1].requires_grad()) {
                // PyTorch's convention: where a == 0 and b >= 0 the gradient for b is 0, not NaN.
                const Tensor base_is_zero =
                    eq(in[0], zeros_like(in[0])) * ge(in[1], zeros_like(in[1]));
                const Tensor safe_log = log(where(base_is_zero, ones_like(in[0]), in[0]));
                grad_b = g * out * safe_log;
            }
            return Grads{grad_a, grad_b};
        });
}

Tensor pow(double base, const Tensor& x) {
    const auto value = [base](auto v) { return std::pow(decltype(v)(base), v); };
    if (base == 0.0)  // torch's convention: 0^x has gradient 0 where x >= 0, -inf where x < 0
        return traced(unary_pointwise("rpow_scalar", x, value,
                                      [](auto g, auto x, auto y) {
                                          return if_positive(-x, g * (y * like(y, -INFINITY)), 0);
                                      }),
                      "rpow_scalar", x, base);
    // d(base^x)/dx = base^x log(base) = y log(base)
    return traced(
        unary_pointwise("rpow_scalar", x, value,
                        [base](auto g, auto, auto y) { return g * (y * like(y, std::log(base))); }),
        "rpow_scalar", x, base);
}

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& x) { return neg(x); }
Tensor operator+(const Tensor& a, double b) { return add(a, b); }
Tensor operator+(double a, const Tensor& b) { return add(b, a); }
Tensor operator-(const Tensor& a, double b) { return sub(a, b); }
Tensor operator-(double a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, double b) { return mul(a, b); }
Tensor operator*(double a, const Tensor& b) { return mul(b, a); }
Tensor operator/(const Tensor& a, double b) { return div(a, b); }
Tensor operator/(double a, const Tensor& b) { return div(a, b); }

}  // namespace xgrad
