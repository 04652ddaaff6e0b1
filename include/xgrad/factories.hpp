#pragma once
/// \file factories.hpp
/// Tensors made from a user's data. (zeros, ones, full, arange, randn and rand are declared with
/// Tensor in tensor.hpp.)

#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// A tensor of `shape` holding `values` in row-major order, stored as `dtype`, as
/// torch.tensor(values).reshape(shape): `from_vector(std::vector<double>{1, 2, 3, 4}, {2, 2})`.
/// A ShapeError naming from_vector when the element count differs from the shape's.
Tensor from_vector(const std::vector<double>& values, const Shape& shape,
                   DType dtype = DType::Float32, bool requires_grad = false);
Tensor from_vector(const std::vector<float>& values, const Shape& shape,
                   DType dtype = DType::Float32, bool requires_grad = false);

}  // namespace xgrad
