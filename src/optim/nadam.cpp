#include "xgrad/optim/nadam.hpp"

#include <cmath>

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void NAdamOptions::validate() const {
    detail::require_non_negative("NAdam", "lr", lr_);
    detail::require_non_negative("NAdam", "eps", eps_);
    detail::require_beta("NAdam", "betas[0]", betas_[0]);
    detail::require_beta("NAdam", "betas[1]", betas_[1]);
    detail::require_non_negative("NAdam", "weight_decay", weight_decay_);
    detail::require_non_negative("NAdam", "momentum_decay", momentum_decay_);
}

// torch.optim.nadam._single_tensor_nadam (PyTorch >= 2.0: mu_product_next = Π_t·μ_{t+1}).
template <class T>
void NAdam::update_tensor(const NAdamOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                          NAdamState& state) {
    T* __restrict exp_avg = detail::buffer(state.exp_avg, p);
    T* __restrict exp_avg_sq = detail::buffer(state.exp_avg_sq, p);
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const double beta1 = o.betas()[0];
    const double beta2 = o.betas()[1];
    const double bias_correction2 = 1 - std::pow(beta2, step);
    const double mu = beta1 * (1. - 0.5 * std::pow(0.96, step * o.momentum_decay()));
    const double mu_next = beta1 * (1. - 0.5 * std::pow(0.96, (step + 1) * o.momentum_decay()));
    state.mu_product *= mu;
    const double mu_product_next = state.mu_product * mu_next;
    const T grad_coef = T(-o.lr() * (1. - mu) / (1. - state.mu_product));
    const T avg_coef = T((-o.lr() * mu_next) / (1. - mu_product_next));
    const detail::AdamMoments<T> moments(o.betas());
    const T bc2 = T(bias_correction2), eps = T(o.eps());
    const detail::Gradient<T> grad_at(grad, p, o.maximize(), o.weight_decay());
    T* theta = p.data();
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const T g = grad_at(i);
        T& m = exp_avg[i];
        T& v = exp_avg_sq[i];
        moments.update(m, v, g);
        const T denom = std::sqrt(v / bc2) + eps;
        // PyTorch's two addcdiv_ in one statement: (θ + a) + b rounds the same either way.
        theta[i] = theta[i] + grad_coef * g / denom + avg_coef * m / denom;
    }
}

template class Rule<NAdam, NAdamOptions, NAdamState>;

}  // namespace xgrad::optim
