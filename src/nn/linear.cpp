#include "xgrad/nn/linear.hpp"

#include <cmath>

#include "nn/repr.hpp"
#include "xgrad/error.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {

Linear::Linear(std::size_t in_features, std::size_t out_features, bool bias, DType dtype,
               Generator& generator)
    : in_features_(in_features), out_features_(out_features) {
    if (in_features == 0 || out_features == 0)
        throw ValueError(
            "Linear: expected positive sizes, got in_features=" + std::to_string(in_features) +
            ", out_features=" + std::to_string(out_features));
    weight_ = register_parameter("weight", zeros({out_features, in_features}, dtype));
    if (bias) bias_ = register_parameter("bias", zeros({out_features}, dtype));
    reset_parameters(generator);
}

void Linear::reset_parameters(Generator& generator) {
    init::kaiming_uniform_(weight_, std::sqrt(5.0), init::FanMode::FanIn,
                           init::Nonlinearity::LeakyReLU, generator);
    if (bias_.defined()) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(in_features_));
        init::uniform_(bias_, -bound, bound, generator);
    }
}

Tensor Linear::forward(const Tensor& input) {
    const std::size_t rank = input.dim();
    if (rank < 1 || rank > 3 || input.shape()[rank - 1] != in_features_)
        throw ShapeError("Linear(" + std::to_string(in_features_) + " -> " +
                         std::to_string(out_features_) + "): expected input of shape (" +
                         std::to_string(in_features_) + ",), (n, " + std::to_string(in_features_) +
                         ") or (b, n, " + std::to_string(in_features_) + "), got " +
                         shape_str(input.shape()));
    if (rank == 1) return squeeze(forward(unsqueeze(input, 0)), 0);
    return linear(input, weight_, bias_);  // one fused op: gemm onto the bias
}

std::string Linear::describe() const {
    return "Linear(in_features=" + std::to_string(in_features_) +
           ", out_features=" + std::to_string(out_features_) +
           ", bias=" + detail::bool_str(bias_.defined()) + ")";
}

}  // namespace xgrad::nn
