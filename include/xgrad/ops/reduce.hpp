#pragma once
/// \file reduce.hpp
/// Reductions. Axes may be negative (counted from the end); with keepdims the reduced axes stay
/// as size 1. An empty axis list in sum/mean/max means every axis.

#include "xgrad/tensor.hpp"

namespace xgrad {

/// Sum of every element: a tensor of shape ().
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, const Axes& axes, bool keepdims = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const Axes& axes, bool keepdims = false);
/// Largest element. Over all elements the gradient is split among ties (PyTorch's max());
/// along one axis it goes to the first argmax (PyTorch's max(dim); max_with_indices in
/// ops/sort.hpp also returns that index).
Tensor max(const Tensor& x);
Tensor max(const Tensor& x, std::ptrdiff_t axis, bool keepdims = false);
/// Smallest element, with the same gradient rules as max.
Tensor min(const Tensor& x);
Tensor min(const Tensor& x, std::ptrdiff_t axis, bool keepdims = false);
/// log Σ exp(x) along `axes`, computed stably.
Tensor logsumexp(const Tensor& x, const Axes& axes, bool keepdims = false);
/// Sums `x` down to `shape` (the reverse of broadcasting). The engine uses it to return
/// gradients of broadcast inputs to their shape.
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace xgrad
