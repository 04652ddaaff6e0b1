#pragma once
/// \file tensor_options.hpp
/// How a new tensor is made, by name, as libtorch's TensorOptions:
/// `zeros({2, 3}, TensorOptions(DType::Float64).requires_grad(true))`, or with the shorthands
/// `zeros({2, 3}, requires_grad())` and `Tensor({1, 2}, dtype(DType::Float64))`. A bare DType
/// converts, so `zeros({2}, DType::Float64)` reads as before.

#include <optional>

#include "xgrad/arg.hpp"
#include "xgrad/dtype.hpp"

namespace xgrad {

/// The options every tensor constructor and factory accepts after its data or shape.
class TensorOptions {
public:
    TensorOptions() = default;
    /// Implicit, as libtorch's: a dtype alone is the options it sets.
    TensorOptions(DType dtype) : dtype_(dtype) {}

    /// The element type. Unset means the function's own default: float32 for lists, scalars and
    /// factories, the array's element type for an xt::xarray (as torch::tensor infers it from
    /// the data).
    XGRAD_ARG(std::optional<DType>, dtype);
    /// Whether the new leaf records the ops applied to it, so that backward() fills its grad().
    XGRAD_ARG(bool, requires_grad) = false;

public:
    /// The dtype, or `otherwise` when none is set.
    DType dtype_or(DType otherwise) const { return dtype_.value_or(otherwise); }
};

/// libtorch's shorthands: `zeros({2}, dtype(DType::Float64).requires_grad(true))`.
inline TensorOptions dtype(DType dtype) { return TensorOptions(dtype); }
/// `randn({3}, requires_grad())`: a leaf whose gradient backward() fills.
inline TensorOptions requires_grad(bool requires_grad = true) {
    return TensorOptions().requires_grad(requires_grad);
}

/// Marks the tensor constructors and factories that take requires_grad by position.
#define XGRAD_DEPRECATED_REQUIRES_GRAD                                           \
    [[deprecated(                                                                \
        "pass requires_grad by name: TensorOptions(dtype).requires_grad(true), " \
        "requires_grad(), or .requires_grad_() on the result")]]

}  // namespace xgrad
