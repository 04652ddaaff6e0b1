#pragma once
/// \file ops/pointwise.hpp
/// Elementwise ops written once: a value function and one derivative rule per input.
///
/// A rule is a generic lambda over (g, inputs..., y), with y the op's value, for instance tanh's
/// `[](auto g, auto, auto y) { return g * (1 - y * y); }`. The engine instantiates it twice:
/// with Tensors when the backward pass records a graph (create_graph: the rule is made of
/// differentiable ops, so higher-order gradients follow), and with the element type in one fused
/// loop otherwise, written into the incoming gradient's buffer when the engine hands that buffer
/// over. Rules therefore use integer literals (`1 - y`, not `1.0 - y`: a double literal would
/// promote float math to double), `like(g, c)` for a captured double constant, and functions
/// that exist for Tensors and numbers alike (exp, log, sqrt, tanh, sigmoid, softplus, pow).

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xbroadcast.hpp>
#include <xtensor/xnoalias.hpp>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/grad_mode.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/parallel.hpp"

namespace xgrad {

/// `c` as the number type of a rule's argument: T(c) for an element of type T, c itself for a
/// Tensor (whose ops take double scalars and convert them to the tensor's dtype).
template <class G>
auto like(const G&, double c) {
    if constexpr (std::is_arithmetic_v<G>)
        return static_cast<G>(c);
    else
        return c;
}

// Scalar forms of xgrad's elementwise functions, so that a rule reads the same for numbers and
// Tensors. Each picks the formula that does not overflow.

/// σ(v) = 1 / (1 + e^-v), torch's form and the sigmoid op's: for very negative v, e^-v
/// overflows to inf and σ is 0, as it should be.
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
T sigmoid(T v) {
    return T(1) / (T(1) + std::exp(-v));
}
/// log(1 + e^v) = max(v, 0) + log1p(e^-|v|).
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
T softplus(T v) {
    return std::max(v, T(0)) + std::log1p(std::exp(-std::abs(v)));
}
/// log σ(v) = min(v, 0) - log1p(e^-|v|).
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
T log_sigmoid(T v) {
    return std::min(v, T(0)) - std::log1p(std::exp(-std::abs(v)));
}

/// A zero of the rule's number type: for a rule whose derivative vanishes.
template <class G>
auto zero_like(const G& g) {
    if constexpr (std::is_arithmetic_v<G>)
        return G(0);
    else
        return zeros_like(g);
}

/// -1, 0 or 1 (0 for NaN, as PyTorch's sign).
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
T sign(T v) {
    return v > T(0) ? T(1) : (v < T(0) ? T(-1) : T(0));
}

/// `a` where v > 0, else `b`: a selection, through which no gradient flows to v.
template <class T, class A, class B, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
T if_positive(T v, A a, B b) {
    return v > T(0) ? static_cast<T>(a) : static_cast<T>(b);
}
inline Tensor if_positive(const Tensor& v, const Tensor& a, const Tensor& b) {
    return where(gt(v, zeros_like(v)), a, b);
}
inline Tensor if_positive(const Tensor& v, const Tensor& a, double b) {
    return if_positive(v, a, full(a.shape(), b, a.dtype()));
}
inline Tensor if_positive(const Tensor& v, double a, const Tensor& b) {
    return if_positive(v, full(b.shape(), a, b.dtype()), b);
}

/// Marks a value function that also accepts xtensor expressions (its body uses only what
/// xtensor overloads: arithmetic and exp, log, sqrt, tanh, ... brought in with `using std::...`):
/// arrays above a few dozen elements then evaluate it with xtensor's vectorised math.
template <class F>
struct Vectorisable {
    F f;
};
template <class F>
Vectorisable<F> vectorisable(F f) {
    return {std::move(f)};
}

namespace detail {

/// Arrays up to this size take scalar loops even for vectorisable functions: below it, setting
/// up xtensor's vectorised expression costs more than the arithmetic.
constexpr std::size_t kSmallArray = 32;

template <class F>
struct IsVectorisable : std::false_type {};
template <class F>
struct IsVectorisable<Vectorisable<F>> : std::true_type {};

/// Whether all n values lie in [-1000, 1000] (false for NaN). xsimd's exp, and the functions
/// built on it, convert v / ln 2 to an integer: undefined behaviour for infinities, NaN and
/// values far outside that range, which the scalar functions handle. Checked for a whole array
/// at once, so that the choice does not depend on how the array is split across threads.
template <class T>
bool in_simd_range(const T* v, std::size_t n) {
    std::atomic<bool> outside{false};  // an OR over the chunks: the same for any split
    parallel_for(n, [&](std::size_t begin, std::size_t end) {
        std::size_t count = 0;  // a sum, which the compiler vectorises
        for (std::size_t i = begin; i < end; ++i)
            count += static_cast<std::size_t>((v[i] >= T(-1000)) & (v[i] <= T(1000)));
        if (count != end - begin) outside.store(true, std::memory_order_relaxed);
    });
    return !outside.load(std::memory_order_relaxed);
}

/// f(a) elementwise into a new array.
template <class T, class F>
xt::xarray<T> map_array(const xt::xarray<T>& a, const F& f) {
    xt::xarray<T> out = new_array<T>(a.shape());
    const T* in = a.data();
    T* o = out.data();
    if constexpr (IsVectorisable<F>::value) {
        if (a.size() > kSmallArray && in_simd_range(in, a.size())) {
            parallel_for(a.size(), [&](std::size_t begin, std::size_t end) {
                const std::array<std::size_t, 1> part{end - begin};
                auto out_part = xt::adapt(o + begin, end - begin, xt::no_ownership(), part);
                xt::noalias(out_part) =
                    f.f(xt::adapt(in + begin, end - begin, xt::no_ownership(), part));
            });
            return out;
        }
        for (std::size_t i = 0, n = a.size(); i < n; ++i) o[i] = f.f(in[i]);
    } else {
        parallel_for(a.size(), [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) o[i] = f(in[i]);
        });
    }
    return out;
}

/// Whether `small`, without its leading 1s, equals the trailing axes of `big`: small repeats
/// along big's leading axes (a row broadcast).
inline bool is_trailing(const Shape& small, const Shape& big) {
    std::size_t skip = 0;
    while (skip < small.size() && small[skip] == 1) ++skip;
    const std::size_t rank = small.size() - skip;
    if (rank > big.size()) return false;
    for (std::size_t i = 0; i < rank; ++i)
        if (small[skip + i] != big[big.size() - rank + i]) return false;
    return true;
}

/// f wrapped to accept scalars only, so xtensor's lambda functions never try it on SIMD batches.
template <class F>
struct ScalarOnly {
    F f;
    template <class... U, std::enable_if_t<(std::is_arithmetic_v<U> && ...), int> = 0>
    auto operator()(U... u) const {
        return f(u...);
    }
};

/// out = f(a, b) elementwise, `out` of the broadcast shape of a and b, with plain loops for the
/// layouts that dominate training (equal shapes, one operand a single value, a row repeated
/// along leading axes) and xtensor's broadcasting for the rest.
template <class T, class F>
void binary_into(xt::xarray<T>& out, const xt::xarray<T>& a, const xt::xarray<T>& b, F f) {
    const std::size_t n = out.size();
    T* o = out.data();
    const T* pa = a.data();
    const T* pb = b.data();
    if (a.size() == n && b.size() == n && a.shape() == b.shape()) {
        parallel_for(n, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) o[i] = f(pa[i], pb[i]);
        });
    } else if (b.size() == 1 && a.size() == n) {
        const T s = *pb;
        parallel_for(n, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) o[i] = f(pa[i], s);
        });
    } else if (a.size() == 1 && b.size() == n) {
        const T s = *pa;
        parallel_for(n, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) o[i] = f(s, pb[i]);
        });
    } else if (a.size() == n && b.size() > 0 && is_trailing(b.shape(), a.shape())) {
        const std::size_t m = b.size();
        for (std::size_t r = 0; r < n; r += m)
            for (std::size_t j = 0; j < m; ++j) o[r + j] = f(pa[r + j], pb[j]);
    } else if (b.size() == n && a.size() > 0 && is_trailing(a.shape(), b.shape())) {
        const std::size_t m = a.size();
        for (std::size_t r = 0; r < n; r += m)
            for (std::size_t j = 0; j < m; ++j) o[r + j] = f(pa[j], pb[r + j]);
    } else {
        xt::noalias(out) = xt::make_lambda_xfunction(ScalarOnly<F>{f}, a, b);
    }
}

/// f(a, b) elementwise with broadcasting (a ShapeError or DTypeError naming `op`).
template <class F>
Array binary_value(const char* op, const Tensor& a, const Tensor& b, F f) {
    const Shape shape = broadcast_shapes(op, a.shape(), b.shape());
    if (a.dtype() != b.dtype()) check_same_dtype(op, {a, b});
    return std::visit(
        [&](const auto& x) -> Array {
            using A = std::decay_t<decltype(x)>;
            A out = new_array<typename A::value_type>(shape);
            binary_into(out, x, std::get<A>(array_of(b)), f);
            return out;
        },
        array_of(a));
}

/// An operand of a gradient loop: every element (Full) or one value for all (Single).
template <class T>
struct Full {
    const T* p;
    T operator[](std::size_t i) const { return p[i]; }
};
template <class T>
struct Single {
    T v;
    T operator[](std::size_t) const { return v; }
};

/// `a` as an operand of a loop over `shape`: itself, its single value, or (any other
/// broadcast) a materialised copy kept alive in `keep`.
template <class T, class Fn>
void with_operand(const xt::xarray<T>& a, const Shape& shape, Fn&& fn) {
    if (a.size() == 1 && shape.size() > 0) {
        fn(Single<T>{*a.data()});
    } else if (a.shape() == shape) {
        fn(Full<T>{a.data()});
    } else if (is_trailing(a.shape(), shape)) {  // a row repeated: tiled by copies
        xt::xarray<T> full = new_array<T>(shape);
        for (std::size_t r = 0, n = full.size(), m = a.size(); r < n; r += m)
            std::copy_n(a.data(), m, full.data() + r);
        fn(Full<T>{full.data()});
    } else {
        const xt::xarray<T> full = xt::broadcast(a, shape);
        fn(Full<T>{full.data()});
    }
}

/// The gradient of one input from `rule(g, operands..., y)` evaluated per element.
template <class T, class Rule, class... Operands>
void gradient_loop(T* out, std::size_t n, const T* g, const T* y, const Rule& rule,
                   Operands... operands) {
    parallel_for(n, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) out[i] = rule(g[i], operands[i]..., y[i]);
    });
}

/// `rule` applied to the gradient `g` (output-shaped) and the op's inputs and value: an array of
/// the output's shape (the engine sums it back to a broadcast input's shape). Written into g's
/// buffer when `reuse` and the engine hands that buffer over.
template <std::size_t N, class Rule>
Tensor pointwise_gradient(const Tensor& g, const Inputs& in, const Tensor& y, const Rule& rule,
                          bool reuse) {
    return std::visit(
        [&](const auto& ga) -> Tensor {
            using A = std::decay_t<decltype(ga)>;
            using T = typename A::value_type;
            const A& ya = std::get<A>(array_of(y));
            const bool in_place = reuse && gradient_is_writable(g);
            A result = in_place ? A() : new_array<T>(ga.shape());
            T* out = in_place ? std::get<A>(g.node()->value).data() : result.data();
            const auto run = [&](auto... operands) {
                gradient_loop(out, ga.size(), ga.data(), ya.data(), rule, operands...);
            };
            if constexpr (N == 1) {
                run(Full<T>{std::get<A>(array_of(in[0])).data()});
            } else {
                with_operand(std::get<A>(array_of(in[0])), ga.shape(), [&](auto a) {
                    with_operand(std::get<A>(array_of(in[1])), ga.shape(),
                                 [&](auto b) { run(a, b); });
                });
            }
            return in_place ? g : make_leaf(Array(std::move(result)));
        },
        array_of(g));
}

/// The rule with Tensors (create_graph), or one fused loop; undefined when `wanted` is false.
template <class Rule, std::size_t... I>
Tensor rule_gradient(const Tensor& g, const Inputs& in, const Tensor& y, const Rule& rule,
                     bool wanted, bool reuse, std::index_sequence<I...>) {
    if (!wanted) return Tensor();
    if (is_grad_enabled()) return rule(g, in[I]..., y);
    return pointwise_gradient<sizeof...(I)>(g, in, y, rule, reuse);
}

}  // namespace detail

/// An elementwise op of one tensor: value `f(x)` (a scalar function, or vectorisable(f)), and
/// its derivative `rule(g, x, y)`, the gradient for x given the output's gradient g and the
/// value y.
template <class F, class Rule>
Tensor unary_pointwise(const char* name, const Tensor& x, F f, Rule rule) {
    Array value =
        std::visit([&](const auto& a) -> Array { return detail::map_array(a, f); }, array_of(x));
    return make_op(
        name, std::move(value), {x}, [rule](const Tensor& g, const Tensor& y, const Inputs& in) {
            return Grads{
                detail::rule_gradient(g, in, y, rule, true, true, std::make_index_sequence<1>())};
        });
}

/// An elementwise op of two tensors with NumPy broadcasting: value `f(a, b)` (a scalar
/// function), and one rule per input, `rule_a(g, a, b, y)` and `rule_b(g, a, b, y)`, each the
/// gradient for its input at the output's shape (the engine sums it back where the input was
/// broadcast).
template <class F, class RuleA, class RuleB>
Tensor binary_pointwise(const char* name, const Tensor& a, const Tensor& b, F f, RuleA rule_a,
                        RuleB rule_b) {
    return make_op(name, detail::binary_value(name, a, b, f), {a, b},
                   [rule_a, rule_b](const Tensor& g, const Tensor& y, const Inputs& in) {
                       // The second gradient may take g's buffer: the first has read g by then.
                       const auto two = std::make_index_sequence<2>();
                       const bool both = in[0].requires_grad() && in[1].requires_grad();
                       Tensor grad_a = detail::rule_gradient(g, in, y, rule_a,
                                                             in[0].requires_grad(), !both, two);
                       Tensor grad_b = detail::rule_gradient(g, in, y, rule_b,
                                                             in[1].requires_grad(), true, two);
                       return Grads{std::move(grad_a), std::move(grad_b)};
                   });
}

/// Σ f(a, b) / divisor over every element, as one op (a fused loss; the mean is divisor n):
/// a 0-d value; the gradient for each input is `rule_a(g / divisor, a, b)` and
/// `rule_b(g / divisor, a, b)`, at the inputs' (common) shape.
template <class F, class RuleA, class RuleB>
Tensor sum_pointwise(const char* name, const Tensor& a, const Tensor& b, double divisor, F f,
                     RuleA rule_a, RuleB rule_b) {
    if (a.shape() != b.shape())
        throw ShapeError(std::string(name) + ": shapes " + shape_str(a.shape()) + " and " +
                         shape_str(b.shape()) + " differ (expected equal shapes)");
    check_same_dtype(name, {a, b});
    Array value = std::visit(
        [&](const auto& x) -> Array {
            using A = std::decay_t<decltype(x)>;
            using T = typename A::value_type;
            const T* pb = std::get<A>(array_of(b)).data();
            T total = 0;
            for (std::size_t i = 0, n = x.size(); i < n; ++i) total += f(x.data()[i], pb[i]);
            A out = new_array<T>(Shape{});
            out() = divisor == 1.0 ? total : total / static_cast<T>(divisor);
            return out;
        },
        array_of(a));
    const auto gradient = [divisor](const Tensor& g, const Inputs& in, const auto& rule,
                                    bool wanted) -> Tensor {
        if (!wanted) return Tensor();
        if (is_grad_enabled()) return rule(divisor == 1.0 ? g : g / divisor, in[0], in[1]);
        return make_leaf(std::visit(
            [&](const auto& ga) -> Array {
                using A = std::decay_t<decltype(ga)>;
                using T = typename A::value_type;
                const A& x = std::get<A>(array_of(in[0]));
                const T* py = std::get<A>(array_of(in[1])).data();
                const T gs = divisor == 1.0 ? ga() : ga() / static_cast<T>(divisor);
                A out = new_array<T>(x.shape());
                for (std::size_t i = 0, n = x.size(); i < n; ++i)
                    out.data()[i] = rule(gs, x.data()[i], py[i]);
                return out;
            },
            array_of(g)));
    };
    return make_op(name, std::move(value), {a, b},
                   [gradient, rule_a, rule_b](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{gradient(g, in, rule_a, in[0].requires_grad()),
                                    gradient(g, in, rule_b, in[1].requires_grad())};
                   });
}

}  // namespace xgrad
