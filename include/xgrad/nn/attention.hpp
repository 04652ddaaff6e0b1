#pragma once
/// \file nn/attention.hpp
/// Multi-head attention with torch.nn.MultiheadAttention's parameters, layout and results.

#include <cstddef>
#include <memory>
#include <string>

#include "xgrad/nn/dropout.hpp"
#include "xgrad/nn/linear.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// Attention of `num_heads` heads of size embed_dim / num_heads, as torch.nn.MultiheadAttention
/// (kdim = vdim = embed_dim): q, k and v are the query, key and value projected by
/// in_proj_weight (3 embed_dim, embed_dim) (rows: q, k, v) and in_proj_bias; each head attends
/// with softmax(q kᵀ / sqrt(head size) + mask) (dropout on these weights in training), and the
/// heads, side by side, go through out_proj (a Linear(embed_dim, embed_dim)). Parameters are named
/// and initialised as PyTorch's: in_proj_weight xavier-uniform, in_proj_bias and out_proj.bias 0,
/// out_proj.weight as a Linear's.
class MultiheadAttention : public Module {
public:
    /// ValueError unless num_heads divides embed_dim. With `batch_first` inputs and outputs are
    /// (N, L, E), else (L, N, E).
    MultiheadAttention(std::size_t embed_dim, std::size_t num_heads, double dropout = 0.0,
                       bool bias = true, bool batch_first = false, DType dtype = DType::Float32,
                       Generator& generator = default_generator());

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

    std::size_t embed_dim() const { return embed_dim_; }
    std::size_t num_heads() const { return num_heads_; }
    bool batch_first() const { return batch_first_; }
    const Tensor& in_proj_weight() const { return in_proj_weight_; }
    /// Undefined without bias.
    const Tensor& in_proj_bias() const { return in_proj_bias_; }
    Linear& out_proj() { return *out_proj_; }

private:
    std::size_t embed_dim_, num_heads_;
    double dropout_;
    bool batch_first_;
    Tensor in_proj_weight_, in_proj_bias_;
    std::shared_ptr<Linear> out_proj_;
    std::shared_ptr<Dropout> attention_dropout_;
};

}  // namespace xgrad::nn
