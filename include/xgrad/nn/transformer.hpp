#pragma once
/// \file nn/transformer.hpp
/// torch.nn.TransformerEncoderLayer, and sinusoidal positions for a small sequence model.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "xgrad/nn/attention.hpp"
#include "xgrad/nn/dropout.hpp"
#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/linear.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/nn/normalization.hpp"

namespace xgrad::nn {

/// torch.nn.TransformerEncoderLayer's arguments:
/// `nn::TransformerEncoderLayerOptions(64, 4).dim_feedforward(128).dropout(0.0)`.
class TransformerEncoderLayerOptions {
public:
    /// The feed-forward block's activation.
    using Activation = std::function<Tensor(const Tensor&)>;

    TransformerEncoderLayerOptions(std::size_t d_model, std::size_t nhead)
        : d_model_(d_model), nhead_(nhead) {}
    XGRAD_ARG(std::size_t, d_model);
    XGRAD_ARG(std::size_t, nhead);
    XGRAD_ARG(std::size_t, dim_feedforward) = 2048;
    XGRAD_ARG(double, dropout) = 0.1;
    /// Empty for relu.
    XGRAD_ARG(Activation, activation);
    XGRAD_ARG(double, layer_norm_eps) = 1e-5;
    /// Whether inputs are (N, L, d_model) rather than (L, N, d_model).
    XGRAD_ARG(bool, batch_first) = false;
    /// Whether the layer norms come before (pre-norm) rather than after each block.
    XGRAD_ARG(bool, norm_first) = false;
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial parameters are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};

/// Self-attention and a feed-forward block, each with a residual connection and a layer norm,
/// as torch.nn.TransformerEncoderLayer: post-norm (norm_first false) computes
/// x = norm1(x + sa(x)), x = norm2(x + ff(x)); pre-norm x = x + sa(norm1(x)),
/// x = x + ff(norm2(x)), with sa the multi-head self-attention followed by dropout and
/// ff(x) = dropout(linear2(dropout(activation(linear1(x))))). Children (and state_dict names)
/// self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2, as PyTorch's.
class TransformerEncoderLayer : public Module {
public:
    /// Inputs are (N, L, d_model) with batch_first, else (L, N, d_model); unbatched
    /// (L, d_model) too.
    explicit TransformerEncoderLayer(const TransformerEncoderLayerOptions& options);
    TransformerEncoderLayer(std::size_t d_model, std::size_t nhead,
                            std::size_t dim_feedforward = 2048)
        : TransformerEncoderLayer(
              TransformerEncoderLayerOptions(d_model, nhead).dim_feedforward(dim_feedforward)) {}
    XGRAD_DEPRECATED_LAYER_ARGS(
        "nn::TransformerEncoderLayer(nn::TransformerEncoderLayerOptions(d, heads).dropout(p))")
    TransformerEncoderLayer(std::size_t d_model, std::size_t nhead, std::size_t dim_feedforward,
                            double dropout,
                            std::function<Tensor(const Tensor&)> activation = nullptr,
                            double layer_norm_eps = 1e-5, bool batch_first = false,
                            bool norm_first = false, DType dtype = DType::Float32)
        : TransformerEncoderLayer(TransformerEncoderLayerOptions(d_model, nhead)
                                      .dim_feedforward(dim_feedforward)
                                      .dropout(dropout)
                                      .activation(std::move(activation))
                                      .layer_norm_eps(layer_norm_eps)
                                      .batch_first(batch_first)
                                      .norm_first(norm_first)
                                      .dtype(dtype)) {}

    /// The layer on `src` with an additive `src_mask` (L, L) (causal_mask(L) for a decoder-only
    /// model) and a `src_key_padding_mask` (N, L) of 1 at the positions to ignore.
    Tensor forward(const Tensor& src, const Tensor& src_mask,
                   const Tensor& src_key_padding_mask = Tensor());
    Tensor forward(const Tensor& src) override;
    std::string describe() const override;
    /// The arguments the layer was built with (the activation filled in).
    const TransformerEncoderLayerOptions& options() const { return options_; }

private:
    Tensor self_attention(const Tensor& x, const Tensor& mask, const Tensor& padding);
    Tensor feed_forward(const Tensor& x);

    TransformerEncoderLayerOptions options_;
    std::shared_ptr<MultiheadAttention> self_attn_;
    std::shared_ptr<Linear> linear1_, linear2_;
    std::shared_ptr<Dropout> dropout_, dropout1_, dropout2_;
    std::shared_ptr<LayerNorm> norm1_, norm2_;
};

/// The sinusoidal position encoding of "Attention Is All You Need", (length, dim):
/// row p holds sin(p / 10000^(2i / dim)) at column 2i and cos(...) at 2i + 1. ValueError for an
/// odd dim.
Tensor sinusoidal_positions(std::size_t length, std::size_t dim, DType dtype = DType::Float32);

}  // namespace xgrad::nn
