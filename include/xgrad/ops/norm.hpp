#pragma once
/// \file norm.hpp
/// Normalization layers as torch.nn.functional: batch_norm, layer_norm and group_norm. Each
/// subtracts a mean and divides by sqrt(biased variance + eps) over its axes, then applies the
/// optional elementwise affine weight and bias. The gradient of the normalization goes through
/// the statistics (the standard batch-norm backward formula, see docs/layers.md).

#include <cstddef>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// Batch normalization of `input` (N, C, *) per channel C. In training, the statistics are the
/// batch's over N and the spatial axes, and the running statistics (shape (C,), if defined) are
/// updated in place: running = (1 - momentum) running + momentum stat, with the unbiased
/// variance; at least two values per channel are needed. Otherwise running_mean and
/// running_var are the statistics (and must be defined). weight and bias have shape (C,) or are
/// undefined. Errors leave the running statistics unchanged.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(),
                  bool training = false, double momentum = 0.1, double eps = 1e-5);

/// Layer normalization over the trailing axes `normalized_shape` of `input`; weight and bias,
/// if defined, have shape normalized_shape.
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(),
                  double eps = 1e-5);

/// Group normalization of `input` (N, C, *): the C channels split into num_groups groups, each
/// normalized over its channels and the spatial axes per example; weight and bias have shape
/// (C,) or are undefined.
Tensor group_norm(const Tensor& input, std::size_t num_groups, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

}  // namespace xgrad
