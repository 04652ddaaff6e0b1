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
template <class T, class Options>
void adam_step(const Options& o, double l2, xt::xarray<T>& p, const xt::xarray<T>& grad,
               AdamState& state) {
    auto& exp_avg = detail::buffer(state.exp_avg, p);
    auto& exp_avg_sq = detail::buffer(state.exp_avg_sq, p);
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const double beta1 = o.betas[0];
    const double beta2 = o.betas[1];
    const double bias_correction1 = 1 - std::pow(beta1, step);
    const double bias_correction2 = 1 - std::pow(beta2, step);
    const double step_size = o.lr / bias_correction1;
    const T bias_correction2_sqrt = T(std::sqrt(bias_correction2));
    detail::with_grad(grad, p, o.maximize, l2, [&](const auto& g) {
        xt::noalias(exp_avg) = exp_avg * T(beta1) + T(1 - beta1) * g;
        xt::noalias(exp_avg_sq) = exp_avg_sq * T(beta2) + T(1 - beta2) * g * g;
    });
    if (o.amsgrad) {
        auto& max_exp_avg_sq = detail::buffer(state.max_exp_avg_sq, p);
        xt::noalias(max_exp_avg_sq) = xt::maximum(max_exp_avg_sq, exp_avg_sq);
        xt::noalias(p) = p + T(-step_size) * exp_avg /
                                 (xt::sqrt(max_exp_avg_sq) / bias_correction2_sqrt + T(o.eps));
    } else {
        xt::noalias(p) =
            p + T(-step_size) * exp_avg / (xt::sqrt(exp_avg_sq) / bias_correction2_sqrt + T(o.eps));
    }
}

}  // namespace

void AdamOptions::validate() const { validate_adam("Adam", *this); }
void AdamWOptions::validate() const { validate_adam("AdamW", *this); }

template <class T>
void Adam::update_tensor(const AdamOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                         AdamState& state) {
    adam_step(o, o.weight_decay, p, grad, state);
}

// torch.optim.adamw._single_tensor_adamw: decoupled decay of θ first, then Adam without L2.
template <class T>
void AdamW::update_tensor(const AdamWOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                          AdamState& state) {
    xt::noalias(p) = p * T(1 - o.lr * o.weight_decay);
    adam_step(o, 0.0, p, grad, state);
}

template class Rule<Adam, AdamOptions, AdamState>;
template class Rule<AdamW, AdamWOptions, AdamState>;

}  // namespace xgrad::optim
