#include "xgrad/optim/radam.hpp"

#include <cmath>

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void RAdamOptions::validate() const {
    detail::require_non_negative("RAdam", "lr", lr_);
    detail::require_non_negative("RAdam", "eps", eps_);
    detail::require_beta("RAdam", "betas[0]", betas_[0]);
    detail::require_beta("RAdam", "betas[1]", betas_[1]);
    detail::require_non_negative("RAdam", "weight_decay", weight_decay_);
}

// torch.optim.radam._single_tensor_radam. PyTorch's `scalar / tensor` is
// `tensor.reciprocal() * scalar`, hence the 1 / (√v + ε) below.
template <class T>
void RAdam::update_tensor(const RAdamOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                          RAdamState& state) {
    T* __restrict exp_avg = detail::buffer(state.exp_avg, p);
    T* __restrict exp_avg_sq = detail::buffer(state.exp_avg_sq, p);
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const double beta1 = o.betas()[0];
    const double beta2 = o.betas()[1];
    const double bias_correction1 = 1 - std::pow(beta1, step);
    const double bias_correction2 = 1 - std::pow(beta2, step);
    const double rho_inf = 2 / (1 - beta2) - 1;
    const double rho_t = rho_inf - 2 * step * std::pow(beta2, step) / bias_correction2;
    // The variance is tractable after the first few steps only; before, a plain momentum step.
    const bool rectified = rho_t > 5.;
    const double rect = rectified ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                              ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                                  : 0.0;
    const detail::AdamMoments<T> moments(o.betas());
    const T bc1 = T(bias_correction1), bc2_sqrt = T(std::sqrt(bias_correction2));
    const T lr = T(o.lr()), eps = T(o.eps()), rect_t = T(rect);
    const detail::Gradient<T> grad_at(grad, p, false, o.weight_decay());
    T* theta = p.data();
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const T g = grad_at(i);
        T& m = exp_avg[i];
        T& v = exp_avg_sq[i];
        moments.update(m, v, g);
        const T m_hat = m / bc1;
        if (rectified) {
            const T adaptive_lr = T(1) / (std::sqrt(v) + eps) * bc2_sqrt;
            theta[i] = theta[i] - m_hat * lr * adaptive_lr * rect_t;
        } else {
            theta[i] = theta[i] - m_hat * lr;
        }
    }
}

template class Rule<RAdam, RAdamOptions, RAdamState>;

}  // namespace xgrad::optim
