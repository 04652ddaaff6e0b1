// Before any include: no contraction of a*b + c into fused multiply-adds (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

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

NAdam::NAdam(std::vector<Tensor> params, const NAdamOptions& options)
    : NAdam(std::vector<ParamGroup<NAdamOptions>>{ParamGroup<NAdamOptions>(std::move(params),
                                                                           options)},
            options) {}

NAdam::NAdam(std::vector<ParamGroup<NAdamOptions>> groups, const NAdamOptions& defaults)
    : OptimizerImpl("NAdam", std::move(groups), defaults) {}

// torch.optim.nadam._single_tensor_nadam (PyTorch >= 2.0: mu_product_next = Π_t·μ_{t+1}).
void NAdam::update(const NAdamOptions& o, Tensor& param, const Tensor& grad, NAdamState& state) {
    detail::ensure_buffer(state.exp_avg, param);
    detail::ensure_buffer(state.exp_avg_sq, param);
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
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto& p = param.value<T>();
        auto& exp_avg = state.exp_avg.value<T>();
        auto& exp_avg_sq = state.exp_avg_sq.value<T>();
        const T bc2 = static_cast<T>(bias_correction2);
        const T eps = static_cast<T>(o.eps);
        detail::with_grad(grad.value<T>(), p, o.maximize, o.weight_decay, [&](const auto& g) {
            xt::noalias(exp_avg) = exp_avg * static_cast<T>(beta1) + static_cast<T>(1 - beta1) * g;
            xt::noalias(exp_avg_sq) =
                exp_avg_sq * static_cast<T>(beta2) + static_cast<T>(1 - beta2) * g * g;
            // PyTorch's two addcdiv_ in one pass: (θ + a) + b rounds the same either way.
            const auto denom = xt::sqrt(exp_avg_sq / bc2) + eps;
            xt::noalias(p) = p + static_cast<T>(grad_coef) * g / denom +
                             static_cast<T>(avg_coef) * exp_avg / denom;
        });
    });
}

}  // namespace xgrad::optim
