#pragma once
/// \file factories.hpp
/// Tensors made from a user's data. (zeros, ones, full, arange, randn and rand are declared with
/// Tensor in tensor.hpp.)

#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// A tensor of `shape` holding `values` in row-major order, float32 unless the options say
/// otherwise, as torch.tensor(values).reshape(shape):
/// `from_vector(std::vector<double>{1, 2, 3, 4}, {2, 2}, requires_grad())`.
/// A ShapeError naming from_vector when the element count differs from the shape's.
Tensor from_vector(const std::vector<double>& values, const Shape& shape,
                   const TensorOptions& options = {});
Tensor from_vector(const std::vector<float>& values, const Shape& shape,
                   const TensorOptions& options = {});
/// The positional `(values, shape, dtype, requires_grad)` spellings of before TensorOptions.
XGRAD_DEPRECATED_REQUIRES_GRAD Tensor from_vector(const std::vector<double>& values,
                                                  const Shape& shape, DType dtype,
                                                  bool requires_grad);
XGRAD_DEPRECATED_REQUIRES_GRAD Tensor from_vector(const std::vector<float>& values,
                                                  const Shape& shape, DType dtype,
                                                  bool requires_grad);

}  // namespace xgrad
