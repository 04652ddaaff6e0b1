#pragma once
/// \file pool.hpp
/// Max and average pooling over the last one or two axes, as torch.nn.functional: inputs are
/// (N, C, H, W) or (C, H, W) for the 2-D pools and (N, C, L) or (C, L) for the 1-D ones.
/// The output size along an axis of size n is (n + 2 padding - dilation (k - 1) - 1) / stride + 1,
/// rounded down, or up with ceil_mode (a last window that would start in the right padding is
/// dropped). The gradient of max pooling goes to the argmax of each window (the first maximum;
/// a NaN wins); average pooling spreads it evenly over the window.

#include <cstddef>
#include <optional>

#include "xgrad/ops/conv.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad {

/// The maximum of every kernel_size window; stride defaults to kernel_size. padding (at most
/// half the kernel) counts as -inf. ValueError / ShapeError naming the sizes otherwise.
Tensor max_pool2d(const Tensor& input, Pair2 kernel_size, std::optional<Pair2> stride = {},
                  Pair2 padding = 0, Pair2 dilation = 1, bool ceil_mode = false);
/// max_pool2d over the last axis.
Tensor max_pool1d(const Tensor& input, std::size_t kernel_size,
                  std::optional<std::size_t> stride = {}, std::size_t padding = 0,
                  std::size_t dilation = 1, bool ceil_mode = false);

/// The mean of every kernel_size window. The divisor is divisor_override when given, else the
/// window's size clipped to the padded input (count_include_pad) or to the input itself.
Tensor avg_pool2d(const Tensor& input, Pair2 kernel_size, std::optional<Pair2> stride = {},
                  Pair2 padding = 0, bool ceil_mode = false, bool count_include_pad = true,
                  std::optional<std::size_t> divisor_override = {});
/// avg_pool2d over the last axis.
Tensor avg_pool1d(const Tensor& input, std::size_t kernel_size,
                  std::optional<std::size_t> stride = {}, std::size_t padding = 0,
                  bool ceil_mode = false, bool count_include_pad = true);

/// The mean over output_size windows: output row i averages input rows
/// floor(i H / out_h) to ceil((i + 1) H / out_h) - 1 (windows may overlap).
Tensor adaptive_avg_pool2d(const Tensor& input, Pair2 output_size);
/// The maximum over the same windows as adaptive_avg_pool2d.
Tensor adaptive_max_pool2d(const Tensor& input, Pair2 output_size);

}  // namespace xgrad
