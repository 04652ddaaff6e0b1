#include "xgrad/nn/flatten.hpp"

#include <string>

#include "nn/repr.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {

Tensor Flatten::forward(const Tensor& input) { return flatten(input, start_axis_, end_axis_); }

std::string Flatten::describe() const {
    return "Flatten(start_dim=" + std::to_string(start_axis_) +
           ", end_dim=" + std::to_string(end_axis_) + ")";
}

}  // namespace xgrad::nn
