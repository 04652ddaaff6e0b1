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

Tensor MaxPool2d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return max_pool2d(input, options_.kernel_size(), options_.stride(), options_.padding(),
                          options_.dilation(), options_.ceil_mode());
    });
}

std::string MaxPool2d::describe() const {
    return "MaxPool2d(kernel_size=" + two(options_.kernel_size()) +
           ", stride=" + two(options_.stride()) + ", padding=" + two(options_.padding()) +
           ", dilation=" + two(options_.dilation()) +
           ", ceil_mode=" + bool_str(options_.ceil_mode()) + ")";
}

Tensor MaxPool1d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return max_pool1d(input, options_.kernel_size(), options_.stride(), options_.padding(),
                          options_.dilation(), options_.ceil_mode());
    });
}

std::string MaxPool1d::describe() const {
    return "MaxPool1d(kernel_size=" + one(options_.kernel_size()) +
           ", stride=" + one(options_.stride()) + ", padding=" + one(options_.padding()) +
           ", dilation=" + one(options_.dilation()) +
           ", ceil_mode=" + bool_str(options_.ceil_mode()) + ")";
}

Tensor AvgPool2d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return avg_pool2d(input, options_.kernel_size(), options_.stride(), options_.padding(),
                          options_.ceil_mode(), options_.count_include_pad(),
                          options_.divisor_override());
    });
}

std::string AvgPool2d::describe() const {
    // torch's AvgPool2d.extra_repr shows these three only.
    return "AvgPool2d(kernel_size=" + two(options_.kernel_size()) +
           ", stride=" + two(options_.stride()) + ", padding=" + two(options_.padding()) + ")";
}

Tensor AvgPool1d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return avg_pool1d(input, options_.kernel_size(), options_.stride(), options_.padding(),
                          options_.ceil_mode(), options_.count_include_pad());
    });
}

std::string AvgPool1d::describe() const {
    // torch's AvgPool1d stores its sizes as 1-tuples and, like AvgPool2d, shows these three only.
    return "AvgPool1d(kernel_size=" + one_tuple(options_.kernel_size()) +
           ", stride=" + one_tuple(options_.stride()) +
           ", padding=" + one_tuple(options_.padding()) + ")";
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& input) {
    return naming_layer(describe(), [&] { return adaptive_avg_pool2d(input, output_size_); });
}

std::string AdaptiveAvgPool2d::describe() const {
    return "AdaptiveAvgPool2d(output_size=" + two(output_size_) + ")";
}

}  // namespace xgrad::nn
