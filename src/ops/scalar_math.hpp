#pragma once
// Scalar forms of the functions that overflow when written naively, shared by the elementwise ops
// and the fused losses that evaluate them element by element.

#include <algorithm>
#include <cmath>

namespace xgrad::detail {

/// log(1 + e^v) = max(v, 0) + log1p(e^-|v|): no overflow for large v.
template <class T>
T softplus_scalar(T v) {
    return std::max(v, T(0)) + std::log1p(std::exp(-std::abs(v)));
}

/// σ(v): e^-|v| never overflows, and the form that divides by 1 + e^-|v| is picked by the sign.
template <class T>
T sigmoid_scalar(T v) {
    const T e = std::exp(-std::abs(v));
    return v >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
}

}  // namespace xgrad::detail
