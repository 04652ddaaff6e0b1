#pragma once
// Checks shared by the losses.

#include <cstdint>
#include <vector>

#include "xgrad/ops/shape.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::nn::detail {

/// ShapeError naming `op` unless input and target have one shape.
void check_same_shape(const char* op, const Tensor& input, const Tensor& target);

/// Checks that `scores` is (n, classes) and `labels` holds n integers in [0, classes); returns n.
/// ShapeError / IndexError naming `op` otherwise.
std::size_t check_class_inputs(const char* op, const Tensor& scores, const IndexArray& labels);

/// The labels as a 1-D IndexArray.
IndexArray to_index_array(const std::vector<std::int64_t>& labels);

}  // namespace xgrad::nn::detail
