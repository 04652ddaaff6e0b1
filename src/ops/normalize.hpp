#pragma once
// The normalization shared by batch, layer and group norm: x viewed as (outer, channels,
// inner), every channel standardised with the mean and biased variance of its outer * inner
// values, then (optionally) scaled and shifted by a weight and bias per channel.

#include <cstddef>
#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad::detail {

/// How a tensor splits into the values of each channel: (outer, channels, inner).
struct NormLayout {
    std::size_t outer, channels, inner;
    std::size_t count() const { return outer * inner; }
};

/// What the three gradients of normalize at x for an output gradient g read, per channel: the
/// mean and biased variance of x, sum(g) and sum(g (x - mean)). normalize's backward computes
/// them once (the statistics kept from the forward) for all three; without them, each gradient
/// op computes its own.
struct NormSums {
    std::vector<double> mean, var, g_sum, gx_sum;
};

/// (x - mean) / sqrt(var + eps) * weight + bias per channel in one op (weight and bias of shape
/// (channels,), or undefined). When `mean` / `var` are given they receive the statistics (var
/// biased). The input's gradient is normalize_input_grad.
Tensor normalize(const Tensor& x, const NormLayout& layout, double eps,
                 const Tensor& weight = Tensor(), const Tensor& bias = Tensor(),
                 std::vector<double>* mean = nullptr, std::vector<double>* var = nullptr);

/// The gradient of normalize at x for output gradient g, in one op:
/// weight r (g - mean(g) - xhat mean(g xhat)) with r = 1 / sqrt(var + eps) (weight 1 when
/// undefined). Its own gradient is written with differentiable ops.
Tensor normalize_input_grad(const Tensor& g, const Tensor& x, const Tensor& weight,
                            const NormLayout& layout, double eps, const NormSums* sums = nullptr);

/// The weight gradient of normalize at x for output gradient g, sum(g xhat) per channel
/// (shape (channels,)), in one op: one pass for the statistics and one for the sum.
Tensor normalize_weight_grad(const Tensor& g, const Tensor& x, const NormLayout& layout, double eps,
                             const NormSums* sums = nullptr);

/// The sum of every channel's values of v (viewed as `layout`), shape (channels,): one pass over
/// the contiguous runs (xtensor's reducer over axes (0, 2) is many times slower). Its gradient
/// broadcasts back. For the bias gradients of normalize and conv2d and the channel means of
/// normalize_input_grad's gradient. `sums`, when given, are those sums already computed.
Tensor channel_sum(const Tensor& v, const NormLayout& layout,
                   const std::vector<double>* sums = nullptr);

}  // namespace xgrad::detail
