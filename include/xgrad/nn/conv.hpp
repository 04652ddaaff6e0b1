#pragma once
/// \file conv.hpp
/// Convolution layers with PyTorch's layout, parameter names and default initialisation:
/// weight by kaiming_uniform_ with a = sqrt(5), bias from U[-1/sqrt(fan_in), 1/sqrt(fan_in)],
/// fan_in = in_channels / groups * kernel area (the weight's size(1) times its kernel area).

#include <cstddef>

#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/ops/conv.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// torch.nn.Conv1d's and Conv2d's arguments, as libtorch's ConvOptions<D>:
/// `nn::Conv2dOptions(1, 32, 3).stride(2).padding(1).bias(false)`,
/// `nn::Conv1dOptions(16, 32, 5).padding("same")`.
template <std::size_t D>
class ConvOptions {
public:
    using Size = WindowSize<D>;
    ConvOptions(std::size_t in_channels, std::size_t out_channels, Size kernel_size)
        : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
    XGRAD_ARG(std::size_t, in_channels);
    XGRAD_ARG(std::size_t, out_channels);
    XGRAD_ARG(Size, kernel_size);
    XGRAD_ARG(Size, stride) = 1;
    /// Sizes, or "valid" / "same".
    XGRAD_ARG(ConvPadding, padding) = 0;
    XGRAD_ARG(Size, dilation) = 1;
    XGRAD_ARG(std::size_t, groups) = 1;
    XGRAD_ARG(bool, bias) = true;
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial weight and bias are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};
using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;

/// torch.nn.Conv2d: (N, in_channels, H, W) -> (N, out_channels, H_out, W_out) by conv2d().
/// weight (out_channels, in_channels / groups, kH, kW), bias (out_channels,).
class Conv2d : public Module {
public:
    /// ValueError for zero sizes or groups not dividing both channel counts.
    explicit Conv2d(const Conv2dOptions& options);
    Conv2d(std::size_t in_channels, std::size_t out_channels, Pair2 kernel_size, Pair2 stride = 1)
        : Conv2d(Conv2dOptions(in_channels, out_channels, kernel_size).stride(stride)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::Conv2d(nn::Conv2dOptions(in, out, k).stride(s).padding(p))")
    Conv2d(std::size_t in_channels, std::size_t out_channels, Pair2 kernel_size, Pair2 stride,
           ConvPadding padding, Pair2 dilation = 1, std::size_t groups = 1, bool bias = true,
           DType dtype = DType::Float32, Generator& generator = default_generator())
        : Conv2d(Conv2dOptions(in_channels, out_channels, kernel_size)
                     .stride(stride)
                     .padding(padding)
                     .dilation(dilation)
                     .groups(groups)
                     .bias(bias)
                     .dtype(dtype)
                     .generator(generator)) {}
    /// ShapeError naming the layer unless the input is (N, in_channels, H, W) and fits.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// Re-draws weight and bias as the constructor does.
    void reset_parameters(Generator& generator = default_generator());
    const Tensor& weight() const { return weight_; }
    /// Undefined without a bias.
    const Tensor& bias() const { return bias_; }
    /// The arguments the layer was built with.
    const Conv2dOptions& options() const { return options_; }

private:
    Conv2dOptions options_;
    Tensor weight_, bias_;
};

/// torch.nn.Conv1d: (N, in_channels, L) -> (N, out_channels, L_out) by conv1d().
/// weight (out_channels, in_channels / groups, k), bias (out_channels,).
class Conv1d : public Module {
public:
    /// ValueError for zero sizes or groups not dividing both channel counts.
    explicit Conv1d(const Conv1dOptions& options);
    Conv1d(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_size,
           std::size_t stride = 1)
        : Conv1d(Conv1dOptions(in_channels, out_channels, kernel_size).stride(stride)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::Conv1d(nn::Conv1dOptions(in, out, k).stride(s).padding(p))")
    Conv1d(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_size,
           std::size_t stride, ConvPadding padding, std::size_t dilation = 1,
           std::size_t groups = 1, bool bias = true, DType dtype = DType::Float32,
           Generator& generator = default_generator())
        : Conv1d(Conv1dOptions(in_channels, out_channels, kernel_size)
                     .stride(stride)
                     .padding(padding)
                     .dilation(dilation)
                     .groups(groups)
                     .bias(bias)
                     .dtype(dtype)
                     .generator(generator)) {}
    /// ShapeError naming the layer unless the input is (N, in_channels, L) and fits.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// Re-draws weight and bias as the constructor does.
    void reset_parameters(Generator& generator = default_generator());
    const Tensor& weight() const { return weight_; }
    /// Undefined without a bias.
    const Tensor& bias() const { return bias_; }
    /// The arguments the layer was built with.
    const Conv1dOptions& options() const { return options_; }

private:
    Conv1dOptions options_;
    Tensor weight_, bias_;
};

/// torch.nn.ConvTranspose2d's arguments, in torch's order (dilation after bias):
/// `nn::ConvTranspose2dOptions(32, 16, 2).stride(2)`.
class ConvTranspose2dOptions {
public:
    ConvTranspose2dOptions(std::size_t in_channels, std::size_t out_channels, Pair2 kernel_size)
        : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
    XGRAD_ARG(std::size_t, in_channels);
    XGRAD_ARG(std::size_t, out_channels);
    XGRAD_ARG(Pair2, kernel_size);
    XGRAD_ARG(Pair2, stride) = 1;
    XGRAD_ARG(Pair2, padding) = 0;
    XGRAD_ARG(Pair2, output_padding) = 0;
    XGRAD_ARG(std::size_t, groups) = 1;
    XGRAD_ARG(bool, bias) = true;
    XGRAD_ARG(Pair2, dilation) = 1;
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial weight and bias are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};

/// torch.nn.ConvTranspose2d: (N, in_channels, H, W) -> (N, out_channels, H_out, W_out) by
/// conv_transpose2d(). weight (in_channels, out_channels / groups, kH, kW), bias
/// (out_channels,); fan_in for the initialisation is out_channels / groups * kH * kW, as in
/// PyTorch.
class ConvTranspose2d : public Module {
public:
    /// ValueError for zero sizes or groups not dividing both channel counts.
    explicit ConvTranspose2d(const ConvTranspose2dOptions& options);
    ConvTranspose2d(std::size_t in_channels, std::size_t out_channels, Pair2 kernel_size,
                    Pair2 stride = 1)
        : ConvTranspose2d(
              ConvTranspose2dOptions(in_channels, out_channels, kernel_size).stride(stride)) {}
    XGRAD_DEPRECATED_LAYER_ARGS(
        "nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, k).stride(s).padding(p))")
    ConvTranspose2d(std::size_t in_channels, std::size_t out_channels, Pair2 kernel_size,
                    Pair2 stride, Pair2 padding, Pair2 output_padding = 0, std::size_t groups = 1,
                    bool bias = true, Pair2 dilation = 1, DType dtype = DType::Float32,
                    Generator& generator = default_generator())
        : ConvTranspose2d(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)
                              .stride(stride)
                              .padding(padding)
                              .output_padding(output_padding)
                              .groups(groups)
                              .bias(bias)
                              .dilation(dilation)
                              .dtype(dtype)
                              .generator(generator)) {}
    /// ShapeError naming the layer unless the input is (N, in_channels, H, W).
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// Re-draws weight and bias as the constructor does.
    void reset_parameters(Generator& generator = default_generator());
    const Tensor& weight() const { return weight_; }
    /// Undefined without a bias.
    const Tensor& bias() const { return bias_; }
    /// The arguments the layer was built with.
    const ConvTranspose2dOptions& options() const { return options_; }

private:
    ConvTranspose2dOptions options_;
    Tensor weight_, bias_;
};

}  // namespace xgrad::nn
