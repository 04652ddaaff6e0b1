#include "xgrad/nn/embedding.hpp"

#include <cmath>

#include "nn/layer_error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/op_trace.hpp"

namespace xgrad::nn {

Embedding::Embedding(std::size_t num_embeddings, std::size_t embedding_dim,
                     std::optional<std::int64_t> padding_idx, DType dtype, Generator& generator)
    : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim), padding_idx_(padding_idx) {
    const auto rows = static_cast<std::int64_t>(num_embeddings);
    if (padding_idx_) {
        if (*padding_idx_ < -rows || *padding_idx_ >= rows)
            throw IndexError("Embedding: padding_idx " + std::to_string(*padding_idx_) +
                             " is outside a table of " + std::to_string(rows) + " rows");
        if (*padding_idx_ < 0) *padding_idx_ += rows;  // as PyTorch stores it
    }
    weight_ = register_parameter("weight", zeros({num_embeddings, embedding_dim}, dtype));
    init::normal_(weight_, 0.0, 1.0, generator);
    if (padding_idx_)
        std::visit(
            [&](auto& w) {
                using T = typename std::decay_t<decltype(w)>::value_type;
                std::fill_n(w.data() + *padding_idx_ * static_cast<std::int64_t>(embedding_dim),
                            embedding_dim, T(0));
            },
            weight_.node()->value);
}

Tensor Embedding::forward(const IndexArray& indices) {
    return detail::naming_layer(describe(),
                                [&] { return embedding(indices, weight_, padding_idx_); });
}

Tensor Embedding::forward(const Tensor& indices) {
    IndexArray index = IndexArray::from_shape(indices.shape());
    const std::vector<double> values = indices.to_vector();
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::floor(values[i]) != values[i])
            throw ValueError(describe() + ": index " + std::to_string(values[i]) +
                             " is not a whole number");
        index.data()[i] = static_cast<std::int64_t>(values[i]);
    }
    Tensor y = forward(index);
    if (OpTrace* trace = OpTrace::current()) trace->record(y, "embedding", {indices, weight_});
    return y;
}

std::string Embedding::describe() const {
    return "Embedding(" + std::to_string(num_embeddings_) + ", " + std::to_string(embedding_dim_) +
           (padding_idx_ ? ", padding_idx=" + std::to_string(*padding_idx_) : "") + ")";
}

}  // namespace xgrad::nn
