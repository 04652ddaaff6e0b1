#pragma once
// Checks shared by the losses.

#include <cstdint>
#include <vector>

#include "xgrad/ops/shape.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::nn::detail {

/// ShapeError naming `op` unless input and target have one shape.
void check_same_shape(const char* op, const Tensor& input, const Tensor& target);

/// Checks the inputs of a class loss (nll_loss, cross_entropy): `scores` (n, classes, d1, ...)
/// with `labels` (n, d1, ...), or (classes) with 0-d labels; every label in [0, classes) or equal
/// to `ignore_index`; `weight` undefined or (classes) of the scores' dtype. ShapeError /
/// IndexError / DTypeError naming `op` otherwise. Returns the number of classes.
std::size_t check_class_inputs(const char* op, const Tensor& scores, const IndexArray& labels,
                               std::int64_t ignore_index, const Tensor& weight);

/// ShapeError / DTypeError naming `op` unless `weight` is undefined or (classes) of the scores'
/// dtype.
void check_class_weight(const char* op, const Tensor& scores, std::size_t classes,
                        const Tensor& weight);

/// The labels as a 1-D IndexArray.
IndexArray to_index_array(const std::vector<std::int64_t>& labels);

}  // namespace xgrad::nn::detail
