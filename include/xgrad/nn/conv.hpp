#pragma once
/// \file conv.hpp
/// Convolution layers with PyTorch's layout, parameter names and default initialisation:
/// weight by kaiming_uniform_ with a = sqrt(5), bias from U[-1/sqrt(fan_in), 1/sqrt(fan_in)],
/// fan_in = in_channels / groups * kernel area (the weight's size(1) times its kernel area).

#include <cstddef>

#include "xgrad/nn/module.hpp"
#include "xgrad/ops/conv.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// torch.nn.Conv2d: (N, in_channels, H, W) -> (N, out_channels, H_out, W_out) by conv2d().
/// weight (out_channels, in_channels / groups, kH, kW), bias (out_channels,).
class Conv2d : public Module {
public:
    /// ValueError for zero sizes or groups not dividing both channel counts.
    Conv2d(std::size_t in_channels, std::size_t out_channels, Pair2 kernel_size, Pair2 stride = 1,
           ConvPadding padding = 0, Pair2 dilation = 1, std::size_t groups = 1, bool bias = true,
           DType dtype = DType::Float32, Generator& generator = default_generator());
    /// ShapeError naming the layer unless the input is (N, in_channels, H, W) and fits.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// Re-draws weight and bias as the constructor does.
    void reset_parameters(Generator& generator = default_generator());
    const Tensor& weight() const { return weight_; }
    /// Undefined without a bias.
    const Tensor& bias() const { return bias_; }

private:
    std::size_t in_channels_, out_channels_;
    Pair2 kernel_size_, stride_;
    ConvPadding padding_;
    Pair2 dilation_;
    std::size_t groups_;
    Tensor weight_, bias_;
};

/// torch.nn.Conv1d: (N, in_channels, L) -> (N, out_channels, L_out) by conv1d().
/// weight (out_channels, in_channels / groups, k), bias (out_channels,).
class Conv1d : public Module {
public:
    Conv1d(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_size,
           std::size_t stride = 1, ConvPadding padding = 0, std::size_t dilation = 1,
           std::size_t groups = 1, bool bias = true, DType dtype = DType::Float32,
           Generator& generator = default_generator());
    /// ShapeError naming the layer unless the input is (N, in_channels, L) and fits.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// Re-draws weight and bias as the constructor does.
    void reset_parameters(Generator& generator = default_generator());
    const Tensor& weight() const { return weight_; }
    /// Undefined without a bias.
    const Tensor& bias() const { return bias_; }

private:
    std::size_t in_channels_, out_channels_, kernel_size_, stride_;
    ConvPadding padding_;
    std::size_t dilation_, groups_;
    Tensor weight_, bias_;
};

/// torch.nn.ConvTranspose2d: (N, in_channels, H, W) -> (N, out_channels, H_out, W_out) by
/// conv_transpose2d(). weight (in_channels, out_channels / groups, kH, kW), bias
/// (out_channels,); fan_in for the initialisation is out_channels / groups * kH * kW, as in
/// PyTorch.
class ConvTranspose2d : public Module {
public:
    ConvTranspose2d(std::size_t in_channels, std::size_t out_channels, Pair2 kernel_size,
                    Pair2 stride = 1, Pair2 padding = 0, Pair2 output_padding = 0,
                    std::size_t groups = 1, bool bias = true, Pair2 dilation = 1,
                    DType dtype = DType::Float32, Generator& generator = default_generator());
    /// ShapeError naming the layer unless the input is (N, in_channels, H, W).
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// Re-draws weight and bias as the constructor does.
    void reset_parameters(Generator& generator = default_generator());
    const Tensor& weight() const { return weight_; }
    /// Undefined without a bias.
    const Tensor& bias() const { return bias_; }

private:
    std::size_t in_channels_, out_channels_;
    Pair2 kernel_size_, stride_, padding_, output_padding_;
    std::size_t groups_;
    Pair2 dilation_;
    Tensor weight_, bias_;
};

}  // namespace xgrad::nn
