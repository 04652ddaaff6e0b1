// add, sub, mul, div (tensor and scalar forms), neg and pow, each forward beside its backward.
#include <cmath>

#include <xtensor/xmath.hpp>

#include "ops/common.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad {
using detail::apply;
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
using detail::map_grad;

/// -g for a backward function, in g's buffer when it owns it.
Tensor negated(const Tensor& g) {
    return map_grad(g, [](auto d) { return -d; });
}

/// An elementwise binary op with NumPy broadcasting; `f` is the scalar function (kernels.hpp).
template <class F>
Tensor broadcasting_op(const char* op, const Tensor& a, const Tensor& b, F f,
                       BackwardFn backward) {
    const Shape shape = detail::broadcast_shapes(op, a.shape(), b.shape());
    if (a.dtype() != b.dtype()) check_same_dtype(op, {a, b});
    Array value = std::visit(
        [&](const auto& x) -> Array {
            using A = std::decay_t<decltype(x)>;
            return detail::binary(x, std::get<A>(array_of(b)), shape, f);
        },
        array_of(a));
    return make_op(op, std::move(value), {a, b}, std::move(backward));
}

/// An elementwise op of one tensor with a scalar function f(T) -> T.
template <class F>
Array scalar_map(const Tensor& x, F f) {
    return std::visit([&](const auto& a) -> Array { return detail::unary(a, f); }, array_of(x));
}
}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
    return broadcasting_op(
        "add", a, b, [](auto x, auto y) { return x + y; },
        [](const Tensor& g, const Tensor&, const Inputs&) { return Grads{g, g}; });
}

Tensor sub(const Tensor& a, const Tensor& b) {
    return broadcasting_op(
        "sub", a, b, [](auto x, auto y) { return x - y; },
        [](const Tensor& g, const Tensor&, const Inputs& in) {
            if (detail::direct_backward() && !in[0].requires_grad())
                return Grads{Tensor(), negated(g)};
            return Grads{g, -g};
        });
}

Tensor mul(const Tensor& a, const Tensor& b) {
    return broadcasting_op(
        "mul", a, b, [](auto x, auto y) { return x * y; },
        [](const Tensor& g, const Tensor&, const Inputs& in) {
            if (detail::direct_backward()) {
                // The second product may reuse g's buffer, once the first has read it.
                const auto times = [](auto d, auto y) { return d * y; };
                Tensor grad_a = in[0].requires_grad() ? g * in[1] : Tensor();
                Tensor grad_b = in[1].requires_grad() ? map_grad(g, in[0], times) : Tensor();
                return Grads{grad_a, grad_b};
            }
            return Grads{in[0].requires_grad() ? g * in[1] : Tensor(),
                         in[1].requires_grad() ? g * in[0] : Tensor()};
        });
}

Tensor div(const Tensor& a, const Tensor& b) {
    return broadcasting_op(
        "div", a, b, [](auto x, auto y) { return x / y; },
        [](const Tensor& g, const Tensor& out, const Inputs& in) {
            // d(a/b)/db = -a/b^2 = -out/b
            return Grads{in[0].requires_grad() ? g / in[1] : Tensor(),
                         in[1].requires_grad() ? -(g * out / in[1]) : Tensor()};
        });
}

Tensor add(const Tensor& a, double b) {
    return make_op("add_scalar", scalar_map(a, [b](auto x) { return x + decltype(x)(b); }),
                   {a}, [](const Tensor& g, const Tensor&, const Inputs&) { return Grads{g}; });
}

Tensor sub(const Tensor& a, double b) {
    return make_op("sub_scalar", scalar_map(a, [b](auto x) { return x - decltype(x)(b); }),
                   {a}, [](const Tensor& g, const Tensor&, const Inputs&) { return Grads{g}; });
}

Tensor sub(double a, const Tensor& b) {
    return make_op("rsub_scalar",
                   scalar_map(b, [a](auto x) { return decltype(x)(a) - x; }), {b},
                   [](const Tensor& g, const Tensor&, const Inputs&) {
                       return Grads{detail::direct_backward() ? negated(g) : -g};
                   });
}

Tensor mul(const Tensor& a, double b) {
    return make_op("mul_scalar",
                   scalar_map(a, [b](auto x) { return x * decltype(x)(b); }), {a},
                   [b](const Tensor& g, const Tensor&, const Inputs&) {
                       if (detail::direct_backward())
                           return Grads{map_grad(
                               g, [b](auto d) { return d * decltype(d)(b); })};
                       return Grads{g * b};
                   });
}

Tensor div(const Tensor& a, double b) {
    return make_op("div_scalar",
                   scalar_map(a, [b](auto x) { return x / decltype(x)(b); }), {a},
                   [b](const Tensor& g, const Tensor&, const Inputs&) {
                       if (detail::direct_backward())
                           return Grads{map_grad(
                               g, [b](auto d) { return d / decltype(d)(b); })};
                       return Grads{g / b};
                   });
}

Tensor div(double a, const Tensor& b) {
    return make_op("rdiv_scalar", scalar_map(b, [a](auto x) { return decltype(x)(a) / x; }),
                   {b}, [](const Tensor& g, const Tensor& out, const Inputs& in) {
                       return Grads{-(g * out / in[0])};  // d(a/x)/dx = -a/x^2 = -out/x
                   });
}

Tensor neg(const Tensor& x) {
    return make_op("neg", scalar_map(x, [](auto a) { return -a; }), {x},
                   [](const Tensor& g, const Tensor&, const Inputs&) {
                       return Grads{detail::direct_backward() ? negated(g) : -g};
                   });
}

Tensor pow(const Tensor& x, double exponent) {
    return make_op(
        "pow_scalar",
        apply(x, [exponent](const auto& a) { return xt::pow(a, element_t<decltype(a)>(exponent)); }),
        {x}, [exponent](const Tensor& g, const Tensor&, const Inputs& in) {
            if (exponent == 0.0) return Grads{zeros_like(in[0])};
            return Grads{g * (pow(in[0], exponent - 1.0) * exponent)};
        });
}

Tensor pow(const Tensor& a, const Tensor& b) {
    return broadcasting_op(
        "pow", a, b, [](auto x, auto y) { return std::pow(x, y); },
        [](const Tensor& g, const Tensor& out, const Inputs& in) {
            Tensor grad_a = in[0].requires_grad() ? g * in[1] * pow(in[0], in[1] - 1.0) : Tensor();
            Tensor grad_b;
            if (in[1].requires_grad()) {
                // PyTorch's convention: where a == 0 and b >= 0 the gradient for b is 0, not NaN.
                const Tensor base_is_zero = eq(in[0], zeros_like(in[0])) * ge(in[1], zeros_like(in[1]));
                const Tensor safe_log = log(where(base_is_zero, ones_like(in[0]), in[0]));
                grad_b = g * out * safe_log;
            }
            return Grads{grad_a, grad_b};
        });
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
