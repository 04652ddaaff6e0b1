#pragma once
// Turns the items of x.index({...}) into an index map: the flat offset in x of every element of
// the result, PyTorch's rules (ops/indexing.hpp) applied in one place for index and index_put.

#include <vector>

#include "ops/index_map.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::detail {

/// Where the result of indexing reads x from.
struct IndexPlan {
    IndexMap map;  ///< flat offset in x of every result element, row-major
    Shape shape;   ///< the result's shape
};

/// The plan of x.index(items), checked: IndexError / ValueError naming `op`, the item, the axis
/// and its size.
IndexPlan plan_index(const char* op, const Shape& x_shape,
                     const std::vector<indexing::TensorIndex>& items);

}  // namespace xgrad::detail
