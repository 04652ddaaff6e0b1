#pragma once
/// \file embedding.hpp
/// Row lookup in a table, as torch.nn.functional.embedding.

#include <cstdint>
#include <optional>

#include "xgrad/ops/shape.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad {

/// The rows `indices` of `weight` (num_embeddings, dim): output shape indices.shape + (dim,).
/// The gradient of a row used several times is the sum over its uses; the row padding_idx
/// (negative: counted from the end) gets no gradient. IndexError naming the index and the table
/// size for an index outside [0, num_embeddings).
Tensor embedding(const IndexArray& indices, const Tensor& weight,
                 std::optional<std::int64_t> padding_idx = std::nullopt);

}  // namespace xgrad
