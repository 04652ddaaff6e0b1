// Before any include: no contraction of a*b + c into fused multiply-adds (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "xgrad/optim/adam.hpp"

#include <cmath>

#include "optim/kernels.hpp"

namespace xgrad::optim {
namespace {

template <class Options>
void validate_adam(const char* rule, const Options& o) {
    detail::require_non_negative(rule, "lr", o.lr);
    detail::require_non_negative(rule, "eps", o.eps);
    detail::require_beta(rule, "betas[0]", o.betas[0]);
    detail::require_beta(rule, "betas[1]", o.betas[1]);
    detail::require_non_negative(rule, "weight_decay", o.weight_decay);
}

// torch.optim.adam._single_tensor_adam after the weight decay: the moments and the step.
// `l2` is the coupled weight decay (0 for AdamW, which decays θ itself beforehand).
template <class Options>
void adam_step(const Options& o, double l2, Tensor& param, const Tensor& grad, AdamState& state) {
    detail::ensure_buffer(state.exp_avg, param);
    detail::ensure_buffer(state.exp_avg_sq, param);
    if (o.amsgrad) detail::ensure_buffer(state.max_exp_avg_sq, param);
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const double beta1 = o.betas[0];
    const double beta2 = o.betas[1];
    const double bias_correction1 = 1 - std::pow(beta1, step);
    const double bias_correction2 = 1 - std::pow(beta2, step);
    const double step_size = o.lr / bias_correction1;
    const double bias_correction2_sqrt = std::sqrt(bias_correction2);
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto& p = param.value<T>();
        auto& exp_avg = state.exp_avg.value<T>();
        auto& exp_avg_sq = state.exp_avg_sq.value<T>();
        detail::with_grad(grad.value<T>(), p, o.maximize, l2, [&](const auto& g) {
            xt::noalias(exp_avg) = exp_avg * static_cast<T>(beta1) + static_cast<T>(1 - beta1) * g;
            xt::noalias(exp_avg_sq) =
                exp_avg_sq * static_cast<T>(beta2) + static_cast<T>(1 - beta2) * g * g;
        });
        const T neg_step_size = static_cast<T>(-step_size);
        const T bc2_sqrt = static_cast<T>(bias_correction2_sqrt);
        const T eps = static_cast<T>(o.eps);
        if (o.amsgrad) {
            auto& max_exp_avg_sq = state.max_exp_avg_sq.value<T>();
            xt::noalias(max_exp_avg_sq) = xt::maximum(max_exp_avg_sq, exp_avg_sq);
            xt::noalias(p) =
                p + neg_step_size * exp_avg / (xt::sqrt(max_exp_avg_sq) / bc2_sqrt + eps);
        } else {
            xt::noalias(p) = p + neg_step_size * exp_avg / (xt::sqrt(exp_avg_sq) / bc2_sqrt + eps);
        }
    });
}

}  // namespace

void AdamOptions::validate() const { validate_adam("Adam", *this); }
void AdamWOptions::validate() const { validate_adam("AdamW", *this); }

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Adam(
          std::vector<ParamGroup<AdamOptions>>{ParamGroup<AdamOptions>(std::move(params), options)},
          options) {}

Adam::Adam(std::vector<ParamGroup<AdamOptions>> groups, const AdamOptions& defaults)
    : OptimizerImpl("Adam", std::move(groups), defaults) {}

void Adam::update(const AdamOptions& o, Tensor& param, const Tensor& grad, AdamState& state) {
    adam_step(o, o.weight_decay, param, grad, state);
}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : AdamW(std::vector<ParamGroup<AdamWOptions>>{ParamGroup<AdamWOptions>(std::move(params),
                                                                           options)},
            options) {}

AdamW::AdamW(std::vector<ParamGroup<AdamWOptions>> groups, const AdamWOptions& defaults)
    : OptimizerImpl("AdamW", std::move(groups), defaults) {}

// torch.optim.adamw._single_tensor_adamw: decoupled decay of θ first, then Adam without L2.
void AdamW::update(const AdamWOptions& o, Tensor& param, const Tensor& grad, AdamState& state) {
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto& p = param.value<T>();
        xt::noalias(p) = p * static_cast<T>(1 - o.lr * o.weight_decay);
    });
    adam_step(o, 0.0, param, grad, state);
}

}  // namespace xgrad::optim
