#pragma once
/// \file pooling.hpp
/// Pooling layers, as torch.nn: MaxPool1d/2d, AvgPool1d/2d and AdaptiveAvgPool2d (no
/// parameters; see xgrad/ops/pool.hpp for what each computes). Inputs (N, C, H, W) or (C, H, W)
/// for the 2-D layers, (N, C, L) or (C, L) for the 1-D ones.

#include <cstddef>
#include <optional>

#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/ops/pool.hpp"

namespace xgrad::nn {

/// torch.nn.MaxPool1d's and MaxPool2d's arguments, as libtorch's MaxPoolOptions<D>; the stride
/// starts as the kernel size: `nn::MaxPool2dOptions(3).stride(2).padding(1)`.
template <std::size_t D>
class MaxPoolOptions {
public:
    using Size = WindowSize<D>;
    MaxPoolOptions(Size kernel_size)  // NOLINT: implicit, as torch's
        : kernel_size_(kernel_size), stride_(kernel_size) {}
    XGRAD_ARG(Size, kernel_size);
    XGRAD_ARG(Size, stride);
    XGRAD_ARG(Size, padding) = 0;
    XGRAD_ARG(Size, dilation) = 1;
    XGRAD_ARG(bool, ceil_mode) = false;
};
using MaxPool1dOptions = MaxPoolOptions<1>;
using MaxPool2dOptions = MaxPoolOptions<2>;

/// max_pool2d() as a layer; stride defaults to kernel_size.
class MaxPool2d : public Module {
public:
    explicit MaxPool2d(const MaxPool2dOptions& options) : options_(options) {}
    explicit MaxPool2d(Pair2 kernel_size) : options_(kernel_size) {}
    /// The stride unset is the kernel size.
    MaxPool2d(Pair2 kernel_size, std::optional<Pair2> stride)
        : options_(MaxPool2dOptions(kernel_size).stride(stride.value_or(kernel_size))) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::MaxPool2d(nn::MaxPool2dOptions(k).stride(s).padding(p))")
    MaxPool2d(Pair2 kernel_size, std::optional<Pair2> stride, Pair2 padding, Pair2 dilation = 1,
              bool ceil_mode = false)
        : options_(MaxPool2dOptions(kernel_size)
                       .stride(stride.value_or(kernel_size))
                       .padding(padding)
                       .dilation(dilation)
                       .ceil_mode(ceil_mode)) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// The arguments the layer was built with.
    const MaxPool2dOptions& options() const { return options_; }

private:
    MaxPool2dOptions options_;
};

/// max_pool1d() as a layer; stride defaults to kernel_size.
class MaxPool1d : public Module {
public:
    explicit MaxPool1d(const MaxPool1dOptions& options) : options_(options) {}
    explicit MaxPool1d(std::size_t kernel_size) : options_(kernel_size) {}
    /// The stride unset is the kernel size.
    MaxPool1d(std::size_t kernel_size, std::optional<std::size_t> stride)
        : options_(MaxPool1dOptions(kernel_size).stride(stride.value_or(kernel_size))) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::MaxPool1d(nn::MaxPool1dOptions(k).stride(s).padding(p))")
    MaxPool1d(std::size_t kernel_size, std::optional<std::size_t> stride, std::size_t padding,
              std::size_t dilation = 1, bool ceil_mode = false)
        : options_(MaxPool1dOptions(kernel_size)
                       .stride(stride.value_or(kernel_size))
                       .padding(padding)
                       .dilation(dilation)
                       .ceil_mode(ceil_mode)) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// The arguments the layer was built with.
    const MaxPool1dOptions& options() const { return options_; }

private:
    MaxPool1dOptions options_;
};

/// torch.nn.AvgPool2d's arguments; the stride starts as the kernel size:
/// `nn::AvgPool2dOptions(2).stride(1).count_include_pad(false)`.
class AvgPool2dOptions {
public:
    AvgPool2dOptions(Pair2 kernel_size)  // NOLINT: implicit, as torch's
        : kernel_size_(kernel_size), stride_(kernel_size) {}
    XGRAD_ARG(Pair2, kernel_size);
    XGRAD_ARG(Pair2, stride);
    XGRAD_ARG(Pair2, padding) = 0;
    XGRAD_ARG(bool, ceil_mode) = false;
    XGRAD_ARG(bool, count_include_pad) = true;
    /// The divisor of every window's sum instead of its size.
    XGRAD_ARG(std::optional<std::size_t>, divisor_override);
};

/// avg_pool2d() as a layer; stride defaults to kernel_size.
class AvgPool2d : public Module {
public:
    explicit AvgPool2d(const AvgPool2dOptions& options) : options_(options) {}
    explicit AvgPool2d(Pair2 kernel_size) : options_(kernel_size) {}
    /// The stride unset is the kernel size.
    AvgPool2d(Pair2 kernel_size, std::optional<Pair2> stride)
        : options_(AvgPool2dOptions(kernel_size).stride(stride.value_or(kernel_size))) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::AvgPool2d(nn::AvgPool2dOptions(k).stride(s).padding(p))")
    AvgPool2d(Pair2 kernel_size, std::optional<Pair2> stride, Pair2 padding, bool ceil_mode = false,
              bool count_include_pad = true, std::optional<std::size_t> divisor_override = {})
        : options_(AvgPool2dOptions(kernel_size)
                       .stride(stride.value_or(kernel_size))
                       .padding(padding)
                       .ceil_mode(ceil_mode)
                       .count_include_pad(count_include_pad)
                       .divisor_override(divisor_override)) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// The arguments the layer was built with.
    const AvgPool2dOptions& options() const { return options_; }

private:
    AvgPool2dOptions options_;
};

/// torch.nn.AvgPool1d's arguments; the stride starts as the kernel size:
/// `nn::AvgPool1dOptions(3).stride(1).padding(1)`.
class AvgPool1dOptions {
public:
    AvgPool1dOptions(std::size_t kernel_size)  // NOLINT: implicit, as torch's
        : kernel_size_(kernel_size), stride_(kernel_size) {}
    XGRAD_ARG(std::size_t, kernel_size);
    XGRAD_ARG(std::size_t, stride);
    XGRAD_ARG(std::size_t, padding) = 0;
    XGRAD_ARG(bool, ceil_mode) = false;
    XGRAD_ARG(bool, count_include_pad) = true;
};

/// avg_pool1d() as a layer; stride defaults to kernel_size.
class AvgPool1d : public Module {
public:
    explicit AvgPool1d(const AvgPool1dOptions& options) : options_(options) {}
    explicit AvgPool1d(std::size_t kernel_size) : options_(kernel_size) {}
    /// The stride unset is the kernel size.
    AvgPool1d(std::size_t kernel_size, std::optional<std::size_t> stride)
        : options_(AvgPool1dOptions(kernel_size).stride(stride.value_or(kernel_size))) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::AvgPool1d(nn::AvgPool1dOptions(k).stride(s).padding(p))")
    AvgPool1d(std::size_t kernel_size, std::optional<std::size_t> stride, std::size_t padding,
              bool ceil_mode = false, bool count_include_pad = true)
        : options_(AvgPool1dOptions(kernel_size)
                       .stride(stride.value_or(kernel_size))
                       .padding(padding)
                       .ceil_mode(ceil_mode)
                       .count_include_pad(count_include_pad)) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    /// The arguments the layer was built with.
    const AvgPool1dOptions& options() const { return options_; }

private:
    AvgPool1dOptions options_;
};

/// adaptive_avg_pool2d() as a layer.
class AdaptiveAvgPool2d : public Module {
public:
    explicit AdaptiveAvgPool2d(Pair2 output_size) : output_size_(output_size) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

private:
    Pair2 output_size_;
};

}  // namespace xgrad::nn
