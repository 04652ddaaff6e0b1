#include "xgrad/optim/nadam.hpp"

#include <cmath>

#include "optim/kernels.hpp"

namespace xgrad::optim {

void NAdamOptions::validate() const {
    detail::require_non_negative("NAdam", "lr", lr);
    detail::require_non_negative("NAdam", "eps", eps);
    detail::require_beta("NAdam", "betas[0]", betas[0]);
    detail::require_beta("NAdam", "betas[1]", betas[1]);
    detail::require_non_negative("NAdam", "weight_decay", weight_decay);
    detail::require_non_negative("NAdam", "momentum_decay", momentum_decay);
}

// torch.optim.nadam._single_tensor_nadam (PyTorch >= 2.0: mu_product_next = Π_t·μ_{t+1}).
template <class T>
void NAdam::update_tensor(const NAdamOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                          NAdamState& state) {
    auto& exp_avg = detail::buffer(state.exp_avg, p);
    auto& exp_avg_sq = detail::buffer(state.exp_avg_sq, p);
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const double beta1 = o.betas[0];
    const double beta2 = o.betas[1];
    const double bias_correction2 = 1 - std::pow(beta2, step);
    const double mu = beta1 * (1. - 0.5 * std::pow(0.96, step * o.momentum_decay));
    const double mu_next = beta1 * (1. - 0.5 * std::pow(0.96, (step + 1) * o.momentum_decay));
    state.mu_product *= mu;
    const double mu_product_next = state.mu_product * mu_next;
    const double grad_coef = -o.lr * (1. - mu) / (1. - state.mu_product);
    const double avg_coef = (-o.lr * mu_next) / (1. - mu_product_next);
    detail::with_grad(grad, p, o.maximize, o.weight_decay, [&](const auto& g) {
        xt::noalias(exp_avg) = exp_avg * T(beta1) + T(1 - beta1) * g;
        xt::noalias(exp_avg_sq) = exp_avg_sq * T(beta2) + T(1 - beta2) * g * g;
        // PyTorch's two addcdiv_ in one pass: (θ + a) + b rounds the same either way.
        const auto denom = xt::sqrt(exp_avg_sq / T(bias_correction2)) + T(o.eps);
        xt::noalias(p) = p + T(grad_coef) * g / denom + T(avg_coef) * exp_avg / denom;
    });
}

template class Rule<NAdam, NAdamOptions, NAdamState>;

}  // namespace xgrad::optim
