#pragma once
// Ops that move elements by a precomputed index map: the forward of max pooling (to the argmax),
// embedding (rows of a table) and pad (reflect, replicate), and the gradients of all three.
// Gathering by a map and scatter-adding by it are each other's adjoint, so each op's backward is
// the other one and the pair is differentiable to any order.

#include <cstdint>
#include <memory>
#include <vector>

#include "xgrad/function.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::detail {

/// For every output element, the flat index of the input element it is, or -1 for none (0).
using IndexMap = std::shared_ptr<const std::vector<std::int64_t>>;

/// out.flat[i] = x.flat[map[i]] (0 where map[i] < 0), of shape `out_shape`; the op is called
/// `name`. The gradient scatter-adds by `grad_map` (by default `map`): an entry -1 there keeps
/// the element's gradient from its source, as Embedding's padding_idx does.
Tensor gather_by_map(const char* name, const Tensor& x, const IndexMap& map, const Shape& out_shape,
                     IndexMap grad_map = nullptr);

/// The op `name` whose value (computed by the caller) is x gathered by `map`: its gradient
/// scatter-adds by `grad_map` (by default `map`). For ops that find their map and value in one
/// pass (max pooling). `blocks` > 1 says that the map sends the i-th of `blocks` equal parts of
/// the output only into the i-th of `blocks` equal parts of x (max pooling's planes): the
/// gradient then scatters part by part in parallel.
Tensor gathered_op(const char* name, Array value, const Tensor& x, const IndexMap& map,
                   IndexMap grad_map = nullptr, std::size_t blocks = 1);

/// out of shape `out_shape`, zero, then out.flat[map[i]] += g.flat[i] for map[i] >= 0: the
/// adjoint of gather_by_map (its gradient is gather_by_map again). `blocks` as for gathered_op:
/// each part of out is zeroed and filled by one thread, its adds in order.
Tensor scatter_add_by_map(const char* name, const Tensor& g, const IndexMap& map,
                          const Shape& out_shape, std::size_t blocks = 1);

}  // namespace xgrad::detail
