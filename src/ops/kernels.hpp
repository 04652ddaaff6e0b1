#pragma once
// Elementwise loops over plain arrays for the layouts that dominate training: operands of one
// shape, one operand a single value, or one operand repeated along leading axes (a bias row).
// For tiny tensors they skip xtensor's expression machinery (shape broadcasting in small
// vectors, stepper set-up), which cost more than the arithmetic; for large ones GCC vectorises
// the arithmetic loops as well as xsimd does. Other broadcasts go through xtensor. Kernels are
// scalar functions f(T, T) -> T or f(T) -> T of arithmetic only (transcendental functions stay
// on xtensor's vectorised xsimd math).

#include <cstddef>
#include <type_traits>

#include <xtensor/xarray.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include "pool.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::detail {

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

/// f wrapped to accept scalars only, so xtensor's lambda functions never try it on SIMD
/// batches.
template <class F>
struct ScalarOnly {
    F f;
    template <class... U, std::enable_if_t<(std::is_arithmetic_v<U> && ...), int> = 0>
    auto operator()(U... u) const {
        return f(u...);
    }
};
template <class F>
ScalarOnly<F> scalar_only(F f) {
    return {f};
}

/// out = f(a, b) elementwise, out of shape broadcast(a, b) (given). `out` may be `a` or `b`
/// itself when it has the output's shape (each element is read before it is written).
template <class T, class F>
void binary_into(xt::xarray<T>& out, const xt::xarray<T>& a, const xt::xarray<T>& b, F f) {
    const std::size_t n = out.size();
    T* o = out.data();
    const T* pa = a.data();
    const T* pb = b.data();
    if (a.size() == n && b.size() == n && a.shape() == b.shape()) {
        for (std::size_t i = 0; i < n; ++i) o[i] = f(pa[i], pb[i]);
    } else if (b.size() == 1 && a.size() == n) {
        const T s = *pb;
        for (std::size_t i = 0; i < n; ++i) o[i] = f(pa[i], s);
    } else if (a.size() == 1 && b.size() == n) {
        const T s = *pa;
        for (std::size_t i = 0; i < n; ++i) o[i] = f(s, pb[i]);
    } else if (a.size() == n && b.size() > 0 && is_trailing(b.shape(), a.shape())) {
        const std::size_t m = b.size();
        for (std::size_t r = 0; r < n; r += m)
            for (std::size_t j = 0; j < m; ++j) o[r + j] = f(pa[r + j], pb[j]);
    } else if (b.size() == n && a.size() > 0 && is_trailing(a.shape(), b.shape())) {
        const std::size_t m = a.size();
        for (std::size_t r = 0; r < n; r += m)
            for (std::size_t j = 0; j < m; ++j) o[r + j] = f(pa[j], pb[r + j]);
    } else if (o != pa && o != pb) {
        xt::noalias(out) = xt::make_lambda_xfunction(scalar_only(f), a, b);
    } else {
        out = xt::make_lambda_xfunction(scalar_only(f), a, b);  // aliased: through a temporary
    }
}

/// A new array f(a, b) of shape `shape` (the broadcast of a's and b's).
template <class T, class F>
xt::xarray<T> binary(const xt::xarray<T>& a, const xt::xarray<T>& b, const Shape& shape, F f) {
    xt::xarray<T> out = new_array<T>(shape);
    binary_into(out, a, b, f);
    return out;
}

/// out = f(a) elementwise; out may be a.
template <class T, class F>
void unary_into(xt::xarray<T>& out, const xt::xarray<T>& a, F f) {
    const std::size_t n = out.size();
    T* o = out.data();
    const T* pa = a.data();
    for (std::size_t i = 0; i < n; ++i) o[i] = f(pa[i]);
}

/// A new array f(a).
template <class T, class F>
xt::xarray<T> unary(const xt::xarray<T>& a, F f) {
    xt::xarray<T> out = new_array<T>(a.shape());
    unary_into(out, a, f);
    return out;
}

/// Arrays up to this size take scalar loops even for transcendental functions: below it,
/// setting up xtensor's vectorised expression costs more than the scalar math.
constexpr std::size_t kSmallArray = 32;

/// f(a) elementwise: `scalar` in a loop for small arrays, xtensor's vectorised `vectorised(a)`
/// for larger ones.
template <class T, class F, class V>
xt::xarray<T> unary_math(const xt::xarray<T>& a, F scalar, V vectorised) {
    if (a.size() <= kSmallArray) return unary(a, scalar);
    return evaluate<T>(vectorised(a));
}

}  // namespace xgrad::detail
