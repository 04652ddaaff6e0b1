// Scaled dot-product attention as matmul and softmax: its gradient is theirs, to any order.
#include "xgrad/ops/attention.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "xgrad/error.hpp"
#include "xgrad/factories.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"

namespace xgrad {
namespace {
/// 0 where `keep(i, j)` holds, -inf elsewhere, of shape (rows, columns).
template <class Keep>
Tensor additive(std::size_t rows, std::size_t columns, DType dtype, Keep keep) {
    std::vector<double> values(rows * columns);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < columns; ++j)
            values[i * columns + j] = keep(i, j) ? 0.0 : -std::numeric_limits<double>::infinity();
    return from_vector(values, {rows, columns}, dtype);
}
}  // namespace

Tensor attention_weights(const Tensor& query, const Tensor& key, const Tensor& attn_mask,
                         bool is_causal, std::optional<double> scale) {
    const std::string op = "scaled_dot_product_attention";
    if (query.dim() < 2 || key.dim() < 2 || query.shape().back() != key.shape().back())
        throw ShapeError(op + ": expected query (..., L, E) and key (..., S, E) with one E, got " +
                         shape_str(query.shape()) + " and " + shape_str(key.shape()));
    const std::size_t length = query.shape()[query.dim() - 2];
    const std::size_t source = key.shape()[key.dim() - 2];
    const double s = scale.value_or(1.0 / std::sqrt(static_cast<double>(query.shape().back())));
    Tensor scores = matmul(query, key, false, true) * s;
    if (attn_mask.defined()) {
        const Shape& m = attn_mask.shape();
        if (attn_mask.dim() < 2 || (m[m.size() - 2] != length && m[m.size() - 2] != 1) ||
            (m.back() != source && m.back() != 1))
            throw ShapeError(op + ": attn_mask " + shape_str(m) +
                             " does not broadcast to the weights (..., " + std::to_string(length) +
                             ", " + std::to_string(source) + ") of query " +
                             shape_str(query.shape()) + " and key " + shape_str(key.shape()));
        scores = scores + attn_mask;
    }
    if (is_causal)
        scores = scores + additive(length, source, query.dtype(),
                                   [](std::size_t i, std::size_t j) { return j <= i; });
    return softmax(scores, -1);
}

Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                    const Tensor& attn_mask, bool is_causal,
                                    std::optional<double> scale) {
    if (value.dim() < 2 || value.shape()[value.dim() - 2] != key.shape()[key.dim() - 2])
        throw ShapeError(
            "scaled_dot_product_attention: expected value (..., S, Ev) with key's S, got key " +
            shape_str(key.shape()) + " and value " + shape_str(value.shape()));
    return matmul(attention_weights(query, key, attn_mask, is_causal, scale), value);
}

Tensor additive_mask(const Tensor& allowed) {
    std::vector<double> values = allowed.to_vector();
    for (double& v : values) {
        if (v != 0.0 && v != 1.0)
            throw ValueError("additive_mask: expected a mask of 0s and 1s, got the value " +
                             std::to_string(v) + " in a mask of shape " +
                             shape_str(allowed.shape()));
        v = v == 1.0 ? 0.0 : -std::numeric_limits<double>::infinity();
    }
    return from_vector(values, allowed.shape(), allowed.dtype());
}

Tensor causal_mask(std::size_t length, DType dtype) {
    return additive(length, length, dtype, [](std::size_t i, std::size_t j) { return j <= i; });
}

}  // namespace xgrad
