#pragma once
/// \file ops/attention.hpp
/// Scaled dot-product attention, as torch.nn.functional.scaled_dot_product_attention, and the
/// masks it takes. Built from matmul and softmax, so its gradient (of any order) is theirs.

#include <cstddef>
#include <optional>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// The attention weights softmax(q kᵀ scale + mask) over the last axis: query (..., L, E), key
/// (..., S, E), output (..., L, S), the leading axes broadcast as matmul's. `scale` defaults to
/// 1/sqrt(E). `attn_mask` is additive (0 where attention is allowed, -inf where it is not, or any
/// bias), broadcastable to (..., L, S); `is_causal` also forbids key j > query i (an upper-right
/// -inf triangle, as torch's lower-triangular boolean mask). A query row whose every key is masked
/// gives NaN, as in PyTorch. ShapeError naming the shapes when E or the mask does not fit.
Tensor attention_weights(const Tensor& query, const Tensor& key, const Tensor& attn_mask = Tensor(),
                         bool is_causal = false, std::optional<double> scale = std::nullopt);

/// attention_weights(query, key, attn_mask, is_causal, scale) @ value: value (..., S, Ev) gives
/// (..., L, Ev). (Dropout on the weights is MultiheadAttention's `dropout`.)
Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                    const Tensor& attn_mask = Tensor(), bool is_causal = false,
                                    std::optional<double> scale = std::nullopt);

/// The additive mask of a boolean one given as 0/1 values (xgrad has no boolean dtype): 0 where
/// `allowed` is 1, -inf where it is 0; PyTorch 2's convention for a boolean attn_mask (true: takes
/// part in attention). A constant: no gradient flows to `allowed`. ValueError for other values.
Tensor additive_mask(const Tensor& allowed);

/// The (length, length) additive causal mask: 0 on and below the diagonal, -inf above it.
Tensor causal_mask(std::size_t length, DType dtype = DType::Float32);

}  // namespace xgrad
