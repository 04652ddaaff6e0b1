#include "xgrad/nn/pooling.hpp"

#include "nn/layer_error.hpp"

namespace xgrad::nn {
using detail::bool_str;
using detail::naming_layer;

namespace {
std::string one(std::size_t v) { return std::to_string(v); }
std::string one_tuple(std::size_t v) { return "(" + std::to_string(v) + ",)"; }
std::string two(Pair2 p) { return detail::int_or_pair_str(p.h, p.w); }
}  // namespace

MaxPool2d::MaxPool2d(Pair2 kernel_size, std::optional<Pair2> stride, Pair2 padding, Pair2 dilation,
                     bool ceil_mode)
    : kernel_size_(kernel_size),
      stride_(stride.value_or(kernel_size)),
      padding_(padding),
      dilation_(dilation),
      ceil_mode_(ceil_mode) {}

Tensor MaxPool2d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return max_pool2d(input, kernel_size_, stride_, padding_, dilation_, ceil_mode_);
    });
}

std::string MaxPool2d::describe() const {
    return "MaxPool2d(kernel_size=" + two(kernel_size_) + ", stride=" + two(stride_) +
           ", padding=" + two(padding_) + ", dilation=" + two(dilation_) +
           ", ceil_mode=" + bool_str(ceil_mode_) + ")";
}

MaxPool1d::MaxPool1d(std::size_t kernel_size, std::optional<std::size_t> stride,
                     std::size_t padding, std::size_t dilation, bool ceil_mode)
    : kernel_size_(kernel_size),
      stride_(stride.value_or(kernel_size)),
      padding_(padding),
      dilation_(dilation),
      ceil_mode_(ceil_mode) {}

Tensor MaxPool1d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return max_pool1d(input, kernel_size_, stride_, padding_, dilation_, ceil_mode_);
    });
}

std::string MaxPool1d::describe() const {
    return "MaxPool1d(kernel_size=" + one(kernel_size_) + ", stride=" + one(stride_) +
           ", padding=" + one(padding_) + ", dilation=" + one(dilation_) +
           ", ceil_mode=" + bool_str(ceil_mode_) + ")";
}

AvgPool2d::AvgPool2d(Pair2 kernel_size, std::optional<Pair2> stride, Pair2 padding, bool ceil_mode,
                     bool count_include_pad, std::optional<std::size_t> divisor_override)
    : kernel_size_(kernel_size),
      stride_(stride.value_or(kernel_size)),
      padding_(padding),
      ceil_mode_(ceil_mode),
      count_include_pad_(count_include_pad),
      divisor_override_(divisor_override) {}

Tensor AvgPool2d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return avg_pool2d(input, kernel_size_, stride_, padding_, ceil_mode_, count_include_pad_,
                          divisor_override_);
    });
}

std::string AvgPool2d::describe() const {
    // torch's AvgPool2d.extra_repr shows these three only.
    return "AvgPool2d(kernel_size=" + two(kernel_size_) + ", stride=" + two(stride_) +
           ", padding=" + two(padding_) + ")";
}

AvgPool1d::AvgPool1d(std::size_t kernel_size, std::optional<std::size_t> stride,
                     std::size_t padding, bool ceil_mode, bool count_include_pad)
    : kernel_size_(kernel_size),
      stride_(stride.value_or(kernel_size)),
      padding_(padding),
      ceil_mode_(ceil_mode),
      count_include_pad_(count_include_pad) {}

Tensor AvgPool1d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return avg_pool1d(input, kernel_size_, stride_, padding_, ceil_mode_, count_include_pad_);
    });
}

std::string AvgPool1d::describe() const {
    // torch's AvgPool1d stores its sizes as 1-tuples and, like AvgPool2d, shows these three only.
    return "AvgPool1d(kernel_size=" + one_tuple(kernel_size_) + ", stride=" + one_tuple(stride_) +
           ", padding=" + one_tuple(padding_) + ")";
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] { return adaptive_avg_pool2d(input, output_size_); });
}

std::string AdaptiveAvgPool2d::describe() const {
    return "AdaptiveAvgPool2d(output_size=" + two(output_size_) + ")";
}

}  // namespace xgrad::nn
