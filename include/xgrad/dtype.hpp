#pragma once
/// \file dtype.hpp
/// Element types of a Tensor and the dispatch from a runtime dtype to a compile-time type.

#include <ostream>
#include <string>
#include <type_traits>

namespace xgrad {

/// Element type of a Tensor. float32 is the default; float64 is for gradcheck and precision.
enum class DType { Float32, Float64 };

/// "float32" or "float64".
const char* dtype_name(DType dtype);

inline std::ostream& operator<<(std::ostream& out, DType dtype) { return out << dtype_name(dtype); }

template <class T>
constexpr DType dtype_of() {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "xgrad tensors hold float or double");
    return std::is_same_v<T, float> ? DType::Float32 : DType::Float64;
}

/// Calls `fn(T{})` with T = float or double according to `dtype`; kernels are written once as
/// generic lambdas and instantiated for both.
template <class Fn>
decltype(auto) dispatch(DType dtype, Fn&& fn) {
    if (dtype == DType::Float64) return fn(double{});
    return fn(float{});
}

}  // namespace xgrad
