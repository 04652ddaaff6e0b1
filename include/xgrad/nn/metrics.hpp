#pragma once
/// \file metrics.hpp
/// Classification metrics computed from logits (or any scores) and integer labels. Not
/// differentiable: they read values only.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "xgrad/ops/shape.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::nn {

/// How many rows of `scores` (n, classes) have their largest score (the first one at ties, as
/// torch.argmax) at the row's label. ShapeError unless labels is (n); labels outside
/// [0, classes) never match.
std::size_t correct_predictions(const Tensor& scores, const IndexArray& labels);
/// The same with the labels as a vector.
std::size_t correct_predictions(const Tensor& scores, const std::vector<std::int64_t>& labels);

/// The fraction of rows of `scores` (n, classes) whose argmax is the label:
/// correct_predictions / n. ValueError for an empty batch.
double accuracy(const Tensor& scores, const IndexArray& labels);
/// The same with the labels as a vector.
double accuracy(const Tensor& scores, const std::vector<std::int64_t>& labels);

}  // namespace xgrad::nn
