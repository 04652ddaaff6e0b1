#pragma once
/// \file sort.hpp
/// Ops that order or pick elements by value along an axis, with the positions they came from,
/// as torch.max(x, dim), torch.sort and torch.topk return them.
///
/// Indices are tensors of x's dtype holding integer values (xgrad's tensors are float32 or
/// float64; float32 holds every integer exactly up to 2^24). They are not differentiable; the
/// values are, their gradient scattered back to the positions the values came from.
///
/// Ties, as torch 1.13 on the CPU: max, min, argmax and argmin give the first occurrence; sort
/// and topk keep equal values in their original order. NaN counts as larger than every number
/// (max, argmax and a descending sort find it first; min and argmin too, as torch propagates it).

#include <cstddef>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// Values and the indices along the axis they were taken from.
struct ValuesIndices {
    Tensor values;
    Tensor indices;
};

/// The largest / smallest element along `axis` and its index (the first one at ties); with
/// keepdims the axis stays as size 1. A ValueError for an empty axis.
ValuesIndices max_with_indices(const Tensor& x, std::ptrdiff_t axis, bool keepdims = false);
ValuesIndices min_with_indices(const Tensor& x, std::ptrdiff_t axis, bool keepdims = false);

/// The flat (row-major) index of the largest / smallest element, a 0-d tensor, as torch.argmax
/// without dim. A ValueError for an empty tensor.
Tensor argmax(const Tensor& x);
Tensor argmin(const Tensor& x);
/// The index along `axis` of the largest / smallest element.
Tensor argmax(const Tensor& x, std::ptrdiff_t axis, bool keepdims = false);
Tensor argmin(const Tensor& x, std::ptrdiff_t axis, bool keepdims = false);

/// x sorted along `axis`, ascending or descending, and the indices of the sorted values.
ValuesIndices sort(const Tensor& x, std::ptrdiff_t axis = -1, bool descending = false);

/// The k largest (or smallest) elements along `axis`, sorted, and their indices. A ValueError
/// when k exceeds the axis's size.
ValuesIndices topk(const Tensor& x, std::size_t k, std::ptrdiff_t axis = -1, bool largest = true);

}  // namespace xgrad
