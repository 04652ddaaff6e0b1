#pragma once
/// \file nn/attention.hpp
/// Multi-head attention with torch.nn.MultiheadAttention's parameters, layout and results.

#include <cstddef>
#include <memory>
#include <string>

#include "xgrad/nn/dropout.hpp"
#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/linear.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// torch.nn.MultiheadAttention's arguments: `nn::MultiheadAttentionOptions(64, 4).dropout(0.1)`.
class MultiheadAttentionOptions {
public:
    MultiheadAttentionOptions(std::size_t embed_dim, std::size_t num_heads)
        : embed_dim_(embed_dim), num_heads_(num_heads) {}
    XGRAD_ARG(std::size_t, embed_dim);
    XGRAD_ARG(std::size_t, num_heads);
    /// The dropout probability on the attention weights, in training mode.
    XGRAD_ARG(double, dropout) = 0.0;
    /// Whether the in- and out-projections have biases.
    XGRAD_ARG(bool, bias) = true;
    /// Whether inputs and outputs are (N, L, E) rather than (L, N, E).
    XGRAD_ARG(bool, batch_first) = false;
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial projections are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};

/// Attention of `num_heads` heads of size embed_dim / num_heads, as torch.nn.MultiheadAttention
/// (kdim = vdim = embed_dim): q, k and v are the query, key and value projected by
/// in_proj_weight (3 embed_dim, embed_dim) (rows: q, k, v) and in_proj_bias; each head attends
/// with softmax(q kᵀ / sqrt(head size) + mask) (dropout on these weights in training), and the
/// heads, side by side, go through out_proj (a Linear(embed_dim, embed_dim)). Parameters are named
/// and initialised as PyTorch's: in_proj_weight xavier-uniform, in_proj_bias and out_proj.bias 0,
/// out_proj.weight as a Linear's.
class MultiheadAttention : public Module {
public:
    /// ValueError unless num_heads divides embed_dim.
    explicit MultiheadAttention(const MultiheadAttentionOptions& options);
    MultiheadAttention(std::size_t embed_dim, std::size_t num_heads, double dropout = 0.0)
        : MultiheadAttention(MultiheadAttentionOptions(embed_dim, num_heads).dropout(dropout)) {}
    XGRAD_DEPRECATED_LAYER_ARGS(
        "nn::MultiheadAttention(nn::MultiheadAttentionOptions(e, heads).dropout(p).batch_first(b))")
    MultiheadAttention(std::size_t embed_dim, std::size_t num_heads, double dropout, bool bias,
                       bool batch_first = false, DType dtype = DType::Float32,
                       Generator& generator = default_generator())
        : MultiheadAttention(MultiheadAttentionOptions(embed_dim, num_heads)
                                 .dropout(dropout)
                                 .bias(bias)
                                 .batch_first(batch_first)
                                 .dtype(dtype)
                                 .generator(generator)) {}

    /// The attended values and the attention weights.
    struct Output {
        /// (L, N, E), (N, L, E) with batch_first, or (L, E) for unbatched inputs.
        Tensor output;
        /// (N, L, S) averaged over the heads, (N, num_heads, L, S) if not, without N for
        /// unbatched inputs; undefined unless need_weights.
        Tensor weights;
    };

    /// Attention of `query` (L, N, E) to `key` and `value` (S, N, E) (batch first: (N, L, E) and
    /// (N, S, E); unbatched: (L, E) and (S, E)). `key_padding_mask` (N, S) holds 1 at the keys to
    /// ignore and 0 elsewhere (PyTorch's boolean mask, true = ignore, as values); `attn_mask` is
    /// additive, (L, S) or (N num_heads, L, S) (0 where allowed, -inf where not; see
    /// additive_mask() for a 0/1 mask). ShapeError naming the layer and the expected layout.
    Output forward(const Tensor& query, const Tensor& key, const Tensor& value,
                   const Tensor& key_padding_mask = Tensor(), bool need_weights = true,
                   const Tensor& attn_mask = Tensor(), bool average_attn_weights = true);
    /// Self-attention: forward(x, x, x) without weights, so that the layer fits a Sequential.
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;

    std::size_t embed_dim() const { return options_.embed_dim(); }
    std::size_t num_heads() const { return options_.num_heads(); }
    bool batch_first() const { return options_.batch_first(); }
    /// The arguments the layer was built with.
    const MultiheadAttentionOptions& options() const { return options_; }
    const Tensor& in_proj_weight() const { return in_proj_weight_; }
    /// Undefined without bias.
    const Tensor& in_proj_bias() const { return in_proj_bias_; }
    Linear& out_proj() { return *out_proj_; }

private:
    MultiheadAttentionOptions options_;
    Tensor in_proj_weight_, in_proj_bias_;
    std::shared_ptr<Linear> out_proj_;
    std::shared_ptr<Dropout> attention_dropout_;
};

}  // namespace xgrad::nn
