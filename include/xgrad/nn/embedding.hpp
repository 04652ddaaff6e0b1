#pragma once
/// \file embedding.hpp
/// Embedding: a trainable lookup table, as torch.nn.Embedding.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/ops/embedding.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// torch.nn.Embedding's arguments: `nn::EmbeddingOptions(1000, 64).padding_idx(0)`.
class EmbeddingOptions {
public:
    EmbeddingOptions(std::size_t num_embeddings, std::size_t embedding_dim)
        : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
    XGRAD_ARG(std::size_t, num_embeddings);
    XGRAD_ARG(std::size_t, embedding_dim);
    /// The row kept at zero and given no gradient; negative counts from the end.
    XGRAD_ARG(std::optional<std::int64_t>, padding_idx);
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial weight is drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};

/// Rows of `weight` (num_embeddings, embedding_dim), initialised from N(0, 1) with the
/// padding_idx row (if any) zeroed; that row receives no gradient.
class Embedding : public Module {
public:
    /// IndexError for a padding_idx outside the table.
    explicit Embedding(const EmbeddingOptions& options);
    Embedding(std::size_t num_embeddings, std::size_t embedding_dim,
              std::optional<std::int64_t> padding_idx = std::nullopt)
        : Embedding(EmbeddingOptions(num_embeddings, embedding_dim).padding_idx(padding_idx)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::Embedding(nn::EmbeddingOptions(n, d).padding_idx(i).dtype(t))")
    Embedding(std::size_t num_embeddings, std::size_t embedding_dim,
              std::optional<std::int64_t> padding_idx, DType dtype,
              Generator& generator = default_generator())
        : Embedding(EmbeddingOptions(num_embeddings, embedding_dim)
                        .padding_idx(padding_idx)
                        .dtype(dtype)
                        .generator(generator)) {}
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
    /// The arguments the layer was built with (padding_idx made non-negative, as torch stores
    /// it).
    const EmbeddingOptions& options() const { return options_; }

private:
    EmbeddingOptions options_;
    Tensor weight_;
};

}  // namespace xgrad::nn
