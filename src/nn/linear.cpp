#include "xgrad/nn/linear.hpp"

#include <cmath>

#include "nn/repr.hpp"
#include "xgrad/error.hpp"
#include "xgrad/nn/init.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {

Linear::Linear(const LinearOptions& options) : options_(options) {
    const std::size_t in_features = options.in_features(), out_features = options.out_features();
    const DType dtype = options.dtype();
    if (in_features == 0 || out_features == 0)
        throw ValueError(
            "Linear: expected positive sizes, got in_features=" + std::to_string(in_features) +
            ", out_features=" + std::to_string(out_features));
    weight_ = register_parameter("weight", zeros({out_features, in_features}, dtype));
    if (options.bias()) bias_ = register_parameter("bias", zeros({out_features}, dtype));
    reset_parameters(options.generator());
}

void Linear::reset_parameters(Generator& generator) {
    init::kaiming_uniform_(weight_, std::sqrt(5.0), init::FanMode::FanIn,
                           init::Nonlinearity::LeakyReLU, generator);
    if (bias_.defined()) {
        const double bound = 1.0 / std::sqrt(static_cast<double>(options_.in_features()));
        init::uniform_(bias_, -bound, bound, generator);
    }
}

Tensor Linear::forward(const Tensor& input) {
    const std::size_t rank = input.dim();
    if (rank < 1 || rank > 3 || input.shape()[rank - 1] != options_.in_features())
        throw ShapeError("Linear(" + std::to_string(options_.in_features()) + " -> " +
                         std::to_string(options_.out_features()) + "): expected input of shape (" +
                         std::to_string(options_.in_features()) + ",), (n, " +
                         std::to_string(options_.in_features()) + ") or (b, n, " +
                         std::to_string(options_.in_features()) + "), got " +
                         shape_str(input.shape()));
    if (rank == 1) return squeeze(forward(unsqueeze(input, 0)), 0);
    return linear(input, weight_, bias_);  // one fused op: gemm onto the bias
}

std::string Linear::describe() const {
    return "Linear(in_features=" + std::to_string(options_.in_features()) +
           ", out_features=" + std::to_string(options_.out_features()) +
           ", bias=" + detail::bool_str(bias_.defined()) + ")";
}

}  // namespace xgrad::nn
