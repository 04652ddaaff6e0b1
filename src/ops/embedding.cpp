// embedding: a gather of whole rows by an index map (ops/index_map.hpp); the gradient map has -1
// for the padding row's uses, so that row gets no gradient.
#include "xgrad/ops/embedding.hpp"

#include "ops/common.hpp"
#include "ops/index_map.hpp"

namespace xgrad {

Tensor embedding(const IndexArray& indices, const Tensor& weight,
                 std::optional<std::int64_t> padding_idx) {
    if (weight.dim() != 2)
        throw ShapeError("embedding: expected a 2-D weight (num_embeddings, embedding_dim), got " +
                         shape_str(weight.shape()));
    const auto rows = static_cast<std::int64_t>(weight.shape()[0]);
    const std::size_t dim = weight.shape()[1];
    if (padding_idx) {
        if (*padding_idx < -rows || *padding_idx >= rows)
            throw IndexError("embedding: padding_idx " + std::to_string(*padding_idx) +
                             " is outside a table of " + std::to_string(rows) + " rows");
        if (*padding_idx < 0) *padding_idx += rows;
    }
    auto map = detail::new_index_map(indices.size() * dim);
    auto grad_map = padding_idx ? detail::new_index_map(map->size()) : map;
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const std::int64_t row = indices.data()[i];
        if (row < 0 || row >= rows)
            throw IndexError("embedding: index " + std::to_string(row) + " (at flat position " +
                             std::to_string(i) + ") is out of range for a table of " +
                             std::to_string(rows) + " rows (weight " + shape_str(weight.shape()) +
                             ")");
        for (std::size_t j = 0; j < dim; ++j) {
            (*map)[i * dim + j] =
                row * static_cast<std::int64_t>(dim) + static_cast<std::int64_t>(j);
            if (padding_idx)
                (*grad_map)[i * dim + j] = row == *padding_idx ? -1 : (*map)[i * dim + j];
        }
    }
    Shape out_shape(indices.shape().begin(), indices.shape().end());
    out_shape.push_back(dim);
    return detail::gather_by_map("embedding", weight, map, out_shape, grad_map);
}

}  // namespace xgrad
