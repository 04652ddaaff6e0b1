#include "xgrad/nn/activation.hpp"

#include "xgrad/error.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::nn {

Tensor ReLU::forward(const Tensor& input) { return relu(input); }

Tensor LeakyReLU::forward(const Tensor& input) { return leaky_relu(input, negative_slope_); }

std::string LeakyReLU::describe() const {
    return "LeakyReLU(negative_slope=" + format_exact(negative_slope_) + ")";
}

Tensor Tanh::forward(const Tensor& input) { return tanh(input); }

Tensor Sigmoid::forward(const Tensor& input) { return sigmoid(input); }

Softplus::Softplus(double beta) : beta_(beta) {
    if (!(beta > 0.0)) throw ValueError("Softplus: expected beta > 0, got " + format_exact(beta));
}

Tensor Softplus::forward(const Tensor& input) {
    if (beta_ == 1.0) return softplus(input);
    return softplus(input * beta_) / beta_;
}

std::string Softplus::describe() const { return "Softplus(beta=" + format_exact(beta_) + ")"; }

}  // namespace xgrad::nn
