#include "xgrad/optim/radam.hpp"

#include <cmath>

#include "optim/kernels.hpp"

namespace xgrad::optim {

void RAdamOptions::validate() const {
    detail::require_non_negative("RAdam", "lr", lr);
    detail::require_non_negative("RAdam", "eps", eps);
    detail::require_beta("RAdam", "betas[0]", betas[0]);
    detail::require_beta("RAdam", "betas[1]", betas[1]);
    detail::require_non_negative("RAdam", "weight_decay", weight_decay);
}

// torch.optim.radam._single_tensor_radam. PyTorch's `scalar / tensor` is
// `tensor.reciprocal() * scalar`, hence the 1 / (√v + ε) below.
template <class T>
void RAdam::update_tensor(const RAdamOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                          RAdamState& state) {
    auto& exp_avg = detail::buffer(state.exp_avg, p);
    auto& exp_avg_sq = detail::buffer(state.exp_avg_sq, p);
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const double beta1 = o.betas[0];
    const double beta2 = o.betas[1];
    const double bias_correction1 = 1 - std::pow(beta1, step);
    const double bias_correction2 = 1 - std::pow(beta2, step);
    detail::with_grad(grad, p, false, o.weight_decay, [&](const auto& g) {
        xt::noalias(exp_avg) = exp_avg * T(beta1) + T(1 - beta1) * g;
        xt::noalias(exp_avg_sq) = exp_avg_sq * T(beta2) + T(1 - beta2) * g * g;
    });
    const auto bias_corrected_exp_avg = exp_avg / T(bias_correction1);
    const double rho_inf = 2 / (1 - beta2) - 1;
    const double rho_t = rho_inf - 2 * step * std::pow(beta2, step) / bias_correction2;
    if (rho_t > 5.) {
        const double rect = std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                      ((rho_inf - 4) * (rho_inf - 2) * rho_t));
        const auto adaptive_lr =
            T(1) / (xt::sqrt(exp_avg_sq) + T(o.eps)) * T(std::sqrt(bias_correction2));
        xt::noalias(p) = p - bias_corrected_exp_avg * T(o.lr) * adaptive_lr * T(rect);
    } else {
        xt::noalias(p) = p - bias_corrected_exp_avg * T(o.lr);
    }
}

template class Rule<RAdam, RAdamOptions, RAdamState>;

}  // namespace xgrad::optim
