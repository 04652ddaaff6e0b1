#pragma once
/// \file indexing.hpp
/// Indexing with PyTorch's rules: Tensor::index(), Tensor::operator[] and index_put().
///
/// The items (xgrad/tensor_index.hpp, namespace xgrad::indexing) are applied left to right to
/// x's axes, as libtorch's `x.index({...})` and Python's `x[...]` apply them:
/// - an integer i picks entry i of its axis and removes the axis (negative counts from the end;
///   outside [-size, size) is an IndexError);
/// - Slice(start, stop, step) keeps its axis with the entries start, start+step, ... < stop
///   (Python's clipping of the bounds; a step <= 0 is a ValueError);
/// - None inserts an axis of size 1;
/// - Ellipsis stands for as many full slices as the other items leave axes (a second one stands
///   for none, as in PyTorch);
/// - integer indices (an IndexArray, or Indices(t) for a tensor of integer values) pick entries
///   of their axis; a 0-d one is an integer;
/// - a mask (an xt::xarray<bool>, or Mask(t) for a tensor of 0/1 values) of k axes covers the
///   next k axes, whose sizes it must have, and picks the positions of its ones (row-major),
///   like the k index arrays of those positions; `true` / `false` add an axis of size 1 / 0.
///   (A k-axis mask followed by more items covers k axes, as in NumPy; torch 1.13 moves past
///   one axis only and then misreads the next item.)
/// Axes not named by any item are kept whole. The index arrays (masks included) broadcast
/// together to a shape B (else an IndexError); the B axes take the place of the advanced items
/// in the result when those stand next to each other, and come first otherwise. More items than
/// axes is an IndexError.
///
/// The result is a copy. Its gradient is scatter-added back to the entries it came from, so an
/// entry picked twice receives the sum of both gradients; differentiable to any order.

#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// torch.index_put: a copy of x whose entries x.index(indices) are `values` (broadcast to that
/// shape, else a ShapeError), or, with accumulate, have `values` added (an entry indexed twice
/// gets both). Without accumulate an entry indexed twice takes the last of its values.
/// Differentiable for x and values.
Tensor index_put(const Tensor& x, const std::vector<indexing::TensorIndex>& indices,
                 const Tensor& values, bool accumulate = false);
/// The same with one value for every indexed entry.
Tensor index_put(const Tensor& x, const std::vector<indexing::TensorIndex>& indices, double value,
                 bool accumulate = false);

}  // namespace xgrad
