#include "xgrad/nn/transformer.hpp"

#include <cmath>
#include <vector>

#include "xgrad/error.hpp"
#include "xgrad/factories.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad::nn {

TransformerEncoderLayer::TransformerEncoderLayer(const TransformerEncoderLayerOptions& options)
    : options_(options) {
    if (!options_.activation()) options_.activation([](const Tensor& x) { return relu(x); });
    const std::size_t d_model = options.d_model(), dim_feedforward = options.dim_feedforward();
    const DType dtype = options.dtype();
    const double dropout = options.dropout();
    self_attn_ = register_module(
        "self_attn", MultiheadAttention(MultiheadAttentionOptions(d_model, options.nhead())
                                            .dropout(dropout)
                                            .batch_first(options.batch_first())
                                            .dtype(dtype)
                                            .generator(options.generator())));
    linear1_ = register_module(
        "linear1",
        Linear(
            LinearOptions(d_model, dim_feedforward).dtype(dtype).generator(options.generator())));
    dropout_ = register_module("dropout", Dropout(dropout));
    linear2_ = register_module(
        "linear2",
        Linear(
            LinearOptions(dim_feedforward, d_model).dtype(dtype).generator(options.generator())));
    const LayerNormOptions norm =
        LayerNormOptions({d_model}).eps(options.layer_norm_eps()).dtype(dtype);
    norm1_ = register_module("norm1", LayerNorm(norm));
    norm2_ = register_module("norm2", LayerNorm(norm));
    dropout1_ = register_module("dropout1", Dropout(dropout));
    dropout2_ = register_module("dropout2", Dropout(dropout));
}

Tensor TransformerEncoderLayer::self_attention(const Tensor& x, const Tensor& mask,
                                               const Tensor& padding) {
    return (*dropout1_)(self_attn_->forward(x, x, x, padding, false, mask).output);
}

Tensor TransformerEncoderLayer::feed_forward(const Tensor& x) {
    return (*dropout2_)((*linear2_)((*dropout_)(options_.activation()((*linear1_)(x)))));
}

Tensor TransformerEncoderLayer::forward(const Tensor& src, const Tensor& src_mask,
                                        const Tensor& src_key_padding_mask) {
    Tensor x = src;
    if (options_.norm_first()) {
        x = x + self_attention((*norm1_)(x), src_mask, src_key_padding_mask);
        return x + feed_forward((*norm2_)(x));
    }
    x = (*norm1_)(x + self_attention(x, src_mask, src_key_padding_mask));
    return (*norm2_)(x + feed_forward(x));
}

Tensor TransformerEncoderLayer::forward(const Tensor& src) { return forward(src, Tensor()); }

std::string TransformerEncoderLayer::describe() const { return "TransformerEncoderLayer"; }

Tensor sinusoidal_positions(std::size_t length, std::size_t dim, DType dtype) {
    if (dim == 0 || dim % 2 != 0)
        throw ValueError("sinusoidal_positions: expected an even dim, got " + std::to_string(dim));
    std::vector<double> values(length * dim);
    for (std::size_t p = 0; p < length; ++p)
        for (std::size_t i = 0; i < dim; i += 2) {
            const double angle =
                static_cast<double>(p) /
                std::pow(10000.0, static_cast<double>(i) / static_cast<double>(dim));
            values[p * dim + i] = std::sin(angle);
            values[p * dim + i + 1] = std::cos(angle);
        }
    return from_vector(values, {length, dim}, dtype);
}

}  // namespace xgrad::nn
