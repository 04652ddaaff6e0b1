#pragma once
/// \file pooling.hpp
/// Pooling layers, as torch.nn: MaxPool1d/2d, AvgPool1d/2d and AdaptiveAvgPool2d (no
/// parameters; see xgrad/ops/pool.hpp for what each computes). Inputs (N, C, H, W) or (C, H, W)
/// for the 2-D layers, (N, C, L) or (C, L) for the 1-D ones.

#include <cstddef>
#include <optional>

#include "xgrad/nn/module.hpp"
#include "xgrad/ops/pool.hpp"

namespace xgrad::nn {

/// max_pool2d() as a layer; stride defaults to kernel_size.
class MaxPool2d : public Module {
public:
    explicit MaxPool2d(Pair2 kernel_size, std::optional<Pair2> stride = {}, Pair2 padding = 0,
                       Pair2 dilation = 1, bool ceil_mode = false);
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

private:
    Pair2 kernel_size_, stride_, padding_, dilation_;
    bool ceil_mode_;
};

/// max_pool1d() as a layer; stride defaults to kernel_size.
class MaxPool1d : public Module {
public:
    explicit MaxPool1d(std::size_t kernel_size, std::optional<std::size_t> stride = {},
                       std::size_t padding = 0, std::size_t dilation = 1, bool ceil_mode = false);
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

private:
    std::size_t kernel_size_, stride_, padding_, dilation_;
    bool ceil_mode_;
};

/// avg_pool2d() as a layer; stride defaults to kernel_size.
class AvgPool2d : public Module {
public:
    explicit AvgPool2d(Pair2 kernel_size, std::optional<Pair2> stride = {}, Pair2 padding = 0,
                       bool ceil_mode = false, bool count_include_pad = true,
                       std::optional<std::size_t> divisor_override = {});
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

private:
    Pair2 kernel_size_, stride_, padding_;
    bool ceil_mode_, count_include_pad_;
    std::optional<std::size_t> divisor_override_;
};

/// avg_pool1d() as a layer; stride defaults to kernel_size.
class AvgPool1d : public Module {
public:
    explicit AvgPool1d(std::size_t kernel_size, std::optional<std::size_t> stride = {},
                       std::size_t padding = 0, bool ceil_mode = false,
                       bool count_include_pad = true);
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

private:
    std::size_t kernel_size_, stride_, padding_;
    bool ceil_mode_, count_include_pad_;
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
