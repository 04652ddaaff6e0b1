#pragma once
/// \file shape.hpp
/// Ops that move or select elements without arithmetic. Axes may be negative.

#include <cstdint>
#include <vector>
#include <xtensor/xarray.hpp>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// Integer indices for gather.
using IndexArray = xt::xarray<std::int64_t>;

/// Same elements in row-major order with a new shape (element counts must agree).
Tensor reshape(const Tensor& x, const Shape& shape);
/// Merges axes start..end (inclusive) into one.
Tensor flatten(const Tensor& x, std::ptrdiff_t start_axis = 0, std::ptrdiff_t end_axis = -1);
/// Inserts a size-1 axis at `axis`.
Tensor unsqueeze(const Tensor& x, std::ptrdiff_t axis);
/// Removes axis `axis` if it has size 1 and returns x unchanged otherwise, as torch.squeeze(x,
/// dim).
Tensor squeeze(const Tensor& x, std::ptrdiff_t axis);
/// Removes every axis of size 1, as torch.squeeze(x).
Tensor squeeze(const Tensor& x);
/// Swaps two axes.
Tensor transpose(const Tensor& x, std::ptrdiff_t axis0 = -2, std::ptrdiff_t axis1 = -1);
/// Reorders axes: output axis i is input axis permutation[i].
Tensor permute(const Tensor& x, const Axes& permutation);
/// Broadcasts to `shape` by NumPy's rules (a copy).
Tensor broadcast_to(const Tensor& x, const Shape& shape);
/// Elements start, start+step, ... before stop along `axis`; negative start/stop count from the end
/// and are clipped to the axis like Python slices. step > 0.
Tensor slice(const Tensor& x, std::ptrdiff_t axis, std::ptrdiff_t start, std::ptrdiff_t stop,
             std::ptrdiff_t step = 1);
/// The entries `indices` along `axis` (repeats allowed; negative indices count from the end).
Tensor index_select(const Tensor& x, std::ptrdiff_t axis, const std::vector<std::int64_t>& indices);
/// PyTorch's gather: out[i][j] = x[i][index[i][j]] for axis 1; index has x's rank and, on every
/// other axis, at most x's size. The output has index's shape.
Tensor gather(const Tensor& x, std::ptrdiff_t axis, const IndexArray& index);
/// Joins tensors along an existing axis (all other sizes equal).
Tensor concat(const std::vector<Tensor>& tensors, std::ptrdiff_t axis = 0);
/// Joins tensors of one shape along a new axis.
Tensor stack(const std::vector<Tensor>& tensors, std::ptrdiff_t axis = 0);
/// Pieces of `x` along `axis` of the given sizes, which must add up to its length there (as
/// torch.split with a list of sizes). Backward assembles the gradient of `x` once from the
/// pieces' gradients (zeros for pieces that get none): cutting a sequence into its T steps costs
/// O(T) in backward, not a full-size gradient per step.
std::vector<Tensor> split(const Tensor& x, const std::vector<std::size_t>& sizes,
                          std::ptrdiff_t axis = 0);
/// torch.chunk: pieces of ceil(length / chunks) entries along `axis`, the last one possibly
/// shorter and fewer than `chunks` pieces when the entries run out. ValueError for 0 chunks.
std::vector<Tensor> chunk(const Tensor& x, std::size_t chunks, std::ptrdiff_t axis = 0);
/// torch.unbind: the entries of `x` along `axis`, each without that axis. The inverse of stack.
std::vector<Tensor> unbind(const Tensor& x, std::ptrdiff_t axis = 0);

}  // namespace xgrad
