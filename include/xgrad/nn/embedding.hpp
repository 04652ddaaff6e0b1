#pragma once
/// \file embedding.hpp
/// Embedding: a trainable lookup table, as torch.nn.Embedding.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "xgrad/nn/module.hpp"
#include "xgrad/ops/embedding.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// Rows of `weight` (num_embeddings, embedding_dim), initialised from N(0, 1) with the
/// padding_idx row (if any) zeroed; that row receives no gradient.
class Embedding : public Module {
public:
    Embedding(std::size_t num_embeddings, std::size_t embedding_dim,
              std::optional<std::int64_t> padding_idx = std::nullopt, DType dtype = DType::Float32,
              Generator& generator = default_generator());
    /// The rows `indices`: shape indices.shape + (embedding_dim,). IndexError naming the layer,
    /// the index and the table size for an index out of range.
    Tensor forward(const IndexArray& indices);
    /// The same with the indices held as a tensor of whole numbers (ValueError otherwise).
    Tensor forward(const Tensor& indices) override;
    using Module::operator();
    /// Runs forward(indices); a ValueError if the layer has hooks (they take a Tensor input, and
    /// would be skipped).
    Tensor operator()(const IndexArray& indices) {
        if (has_hooks()) detail::throw_hooks_skipped(*this, 1);
        return forward(indices);
    }
    std::string describe() const override;
    const Tensor& weight() const { return weight_; }

private:
    std::size_t num_embeddings_, embedding_dim_;
    std::optional<std::int64_t> padding_idx_;
    Tensor weight_;
};

}  // namespace xgrad::nn
