#include "xgrad/nn/transformer.hpp"

#include <cmath>
#include <vector>

#include "xgrad/error.hpp"
#include "xgrad/factories.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad::nn {

TransformerEncoderLayer::TransformerEncoderLayer(std::size_t d_model, std::size_t nhead,
                                                 std::size_t dim_feedforward, double dropout,
                                                 std::function<Tensor(const Tensor&)> activation,
                                                 double layer_norm_eps, bool batch_first,
                                                 bool norm_first, DType dtype)
    : norm_first_(norm_first),
      activation_(activation ? std::move(activation)
                             : std::function<Tensor(const Tensor&)>(
                                   [](const Tensor& x) { return relu(x); })) {
    self_attn_ = register_module(
        "self_attn",
        std::make_shared<MultiheadAttention>(d_model, nhead, dropout, true, batch_first, dtype));
    linear1_ =
        register_module("linear1", std::make_shared<Linear>(d_model, dim_feedforward, true, dtype));
    dropout_ = register_module("dropout", std::make_shared<Dropout>(dropout));
    linear2_ =
        register_module("linear2", std::make_shared<Linear>(dim_feedforward, d_model, true, dtype));
    norm1_ = register_module(
        "norm1", std::make_shared<LayerNorm>(Shape{d_model}, layer_norm_eps, true, dtype));
    norm2_ = register_module(
        "norm2", std::make_shared<LayerNorm>(Shape{d_model}, layer_norm_eps, true, dtype));
    dropout1_ = register_module("dropout1", std::make_shared<Dropout>(dropout));
    dropout2_ = register_module("dropout2", std::make_shared<Dropout>(dropout));
}

Tensor TransformerEncoderLayer::self_attention(const Tensor& x, const Tensor& mask,
                                               const Tensor& padding) {
    return (*dropout1_)(self_attn_->forward(x, x, x, padding, false, mask).output);
}

Tensor TransformerEncoderLayer::feed_forward(const Tensor& x) {
    return (*dropout2_)((*linear2_)((*dropout_)(activation_((*linear1_)(x)))));
}

Tensor TransformerEncoderLayer::forward(const Tensor& src, const Tensor& src_mask,
                                        const Tensor& src_key_padding_mask) {
    Tensor x = src;
    if (norm_first_) {
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
