#pragma once
// The fused cross-entropy op (cross_entropy.cpp), which nn::cross_entropy takes for its plain
// case.

#include "xgrad/nn/loss.hpp"

namespace xgrad::nn::detail {

/// cross_entropy of logits (n, classes) against labels (n) in [0, classes), checked by the
/// caller: one op whose gradient is (softmax - onehot) scaled by the reduction.
Tensor fused_cross_entropy(const Tensor& logits, const IndexArray& labels, Reduction reduction);

}  // namespace xgrad::nn::detail
