#include "xgrad/nn/activation.hpp"

#include "nn/repr.hpp"
#include "xgrad/error.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::nn {

Tensor ReLU::forward(const Tensor& input) { return relu(input); }

Tensor LeakyReLU::forward(const Tensor& input) { return leaky_relu(input, negative_slope_); }

std::string LeakyReLU::describe() const {
    return "LeakyReLU(negative_slope=" + detail::number_str(negative_slope_) + ")";
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

// torch prints threshold=20, past which (βx > 20) it returns x: there log1p(e^-βx)/β is below
// 1.1e-10 of x, under float32's rounding, so xgrad's exact softplus is that layer in float32.
std::string Softplus::describe() const {
    return "Softplus(beta=" + detail::int_or_number_str(beta_) + ", threshold=20)";
}

}  // namespace xgrad::nn
