#pragma once
/// \file flatten.hpp
/// Flatten: merges a range of axes, by default everything but the batch axis.

#include <cstddef>

#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// Merges axes start_axis..end_axis (inclusive, negative counts from the end) into one:
/// (n, 28, 28) -> (n, 784) with the defaults, as torch.nn.Flatten.
class Flatten : public Module {
public:
    explicit Flatten(std::ptrdiff_t start_axis = 1, std::ptrdiff_t end_axis = -1)
        : start_axis_(start_axis), end_axis_(end_axis) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

private:
    std::ptrdiff_t start_axis_;
    std::ptrdiff_t end_axis_;
};

}  // namespace xgrad::nn
