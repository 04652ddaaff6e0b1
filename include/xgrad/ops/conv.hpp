#pragma once
/// \file conv.hpp
/// Convolutions in PyTorch's NCHW layout: conv1d, conv2d, conv_transpose2d, and the two
/// gradients of conv2d as ops of their own (torch.nn.grad.conv2d_input / conv2d_weight).
///
/// A convolution is lowered to matrix products: im2col copies every receptive field of the whole
/// batch into the columns of one matrix, and one gemm per group multiplies it by the weight. The
/// input gradient is the transposed product followed by col2im (the scatter-add back into the
/// image); the weight gradient is the product of the output gradient with the im2col matrix.
/// The three are bilinear and each one's gradient is a call to the others, so convolutions are
/// differentiable to any order.

#include <cstddef>
#include <string>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// Two sizes, for height and width; one number means both (PyTorch's _pair).
struct Pair2 {
    std::size_t h = 0, w = 0;
    Pair2() = default;
    /// The same size for both axes.
    Pair2(std::size_t both) : h(both), w(both) {}  // NOLINT: implicit, as in `stride = 2`
    /// Height, then width.
    Pair2(std::size_t height, std::size_t width) : h(height), w(width) {}
    bool operator==(const Pair2& o) const { return h == o.h && w == o.w; }
};

/// The padding of a convolution: explicit sizes (the same on both sides of an axis), or
/// "valid" (none) or "same" (the output has the input's size; stride 1 only; with an even
/// effective kernel the extra row / column goes to the bottom / right, as in PyTorch).
struct ConvPadding {
    /// How the padding is chosen.
    enum class Mode { Explicit, Valid, Same };
    Mode mode = Mode::Explicit;
    /// The explicit sizes (Mode::Explicit only).
    Pair2 size{0, 0};
    ConvPadding() = default;
    /// `both` on every side.
    ConvPadding(std::size_t both) : size(both) {}  // NOLINT: implicit, as in `padding = 1`
    /// `height` above and below, `width` left and right.
    ConvPadding(std::size_t height, std::size_t width) : size(height, width) {}
    /// Explicit sizes.
    ConvPadding(Pair2 sizes) : size(sizes) {}  // NOLINT: implicit
    /// "valid" or "same" as a string literal (an array, so that 0 stays a size).
    template <std::size_t N>
    ConvPadding(const char (&mode)[N]) : ConvPadding(std::string(mode)) {}  // NOLINT: implicit
    /// "valid" or "same"; ValueError for anything else.
    ConvPadding(const std::string& mode);  // NOLINT: implicit
};

/// 2-D convolution (cross-correlation, as in PyTorch): input (N, C_in, H, W), weight
/// (C_out, C_in / groups, kH, kW), bias (C_out,) or undefined; output (N, C_out, H_out, W_out)
/// with H_out = (H + 2 padding - dilation (kH - 1) - 1) / stride + 1 (rounded down). With
/// `groups` g the channels split into g groups convolved separately (g = C_in: depthwise).
/// ShapeError naming the shapes when the input is not 4-D, the channels do not match, groups do
/// not divide the channels, or the kernel is larger than the padded input.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
              Pair2 stride = 1, ConvPadding padding = 0, Pair2 dilation = 1,
              std::size_t groups = 1);

/// 1-D convolution: input (N, C_in, L), weight (C_out, C_in / groups, k), bias (C_out,);
/// output (N, C_out, L_out). Computed as conv2d over a height of 1.
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
              std::size_t stride = 1, ConvPadding padding = 0, std::size_t dilation = 1,
              std::size_t groups = 1);

/// The gradient of conv2d with respect to its input, for an input of spatial size
/// `input_size` (H, W): grad_output (N, C_out, H_out, W_out) and weight
/// (C_out, C_in / groups, kH, kW) give (N, C_in, H, W). Padding is explicit here.
Tensor conv2d_input_grad(const Tensor& grad_output, const Tensor& weight, Pair2 input_size,
                         Pair2 stride = 1, Pair2 padding = 0, Pair2 dilation = 1,
                         std::size_t groups = 1);

/// The gradient of conv2d with respect to its weight, of kernel size `kernel_size` (kH, kW):
/// input (N, C_in, H, W) and grad_output (N, C_out, H_out, W_out) give
/// (C_out, C_in / groups, kH, kW).
Tensor conv2d_weight_grad(const Tensor& input, const Tensor& grad_output, Pair2 kernel_size,
                          Pair2 stride = 1, Pair2 padding = 0, Pair2 dilation = 1,
                          std::size_t groups = 1);

/// Transposed 2-D convolution (the input gradient of conv2d, as a layer): input
/// (N, C_in, H, W), weight (C_in, C_out / groups, kH, kW), bias (C_out,); output
/// (N, C_out, H_out, W_out) with H_out = (H - 1) stride - 2 padding + dilation (kH - 1) +
/// output_padding + 1. output_padding must be smaller than stride or dilation.
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
                        Pair2 stride = 1, Pair2 padding = 0, Pair2 output_padding = 0,
                        std::size_t groups = 1, Pair2 dilation = 1);

}  // namespace xgrad
