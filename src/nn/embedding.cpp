#include "xgrad/nn/embedding.hpp"

#include <cmath>

#include "nn/layer_error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/op_trace.hpp"

namespace xgrad::nn {

Embedding::Embedding(const EmbeddingOptions& options) : options_(options) {
    const std::size_t num_embeddings = options.num_embeddings(),
                      embedding_dim = options.embedding_dim();
    // as PyTorch stores it: made non-negative
    std::optional<std::int64_t>& padding_idx = options_.padding_idx();
    const auto rows = static_cast<std::int64_t>(num_embeddings);
    if (padding_idx) {
        if (*padding_idx < -rows || *padding_idx >= rows)
            throw IndexError("Embedding: padding_idx " + std::to_string(*padding_idx) +
                             " is outside a table of " + std::to_string(rows) + " rows");
        if (*padding_idx < 0) *padding_idx += rows;
    }
    weight_ = register_parameter("weight", zeros({num_embeddings, embedding_dim}, options.dtype()));
    init::normal_(weight_, 0.0, 1.0, options.generator());
    if (padding_idx)
        std::visit(
            [&](auto& w) {
                using T = typename std::decay_t<decltype(w)>::value_type;
                std::fill_n(w.data() + *padding_idx * static_cast<std::int64_t>(embedding_dim),
                            embedding_dim, T(0));
            },
            weight_.node()->value);
}

Tensor Embedding::forward(const IndexArray& indices) {
    return detail::naming_layer(
        describe(), [&] { return embedding(indices, weight_, options_.padding_idx()); });
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
    return "Embedding(" + std::to_string(options_.num_embeddings()) + ", " +
           std::to_string(options_.embedding_dim()) +
           (options_.padding_idx() ? ", padding_idx=" + std::to_string(*options_.padding_idx())
                                   : "") +
           ")";
}

}  // namespace xgrad::nn
