#include "xgrad/optim/adam.hpp"

#include <cmath>

#include "optim/update_inputs.hpp"

namespace xgrad::optim {
namespace {

template <class Options>
void validate_adam(const char* rule, const Options& o) {
    detail::require_non_negative(rule, "lr", o.lr());
    detail::require_non_negative(rule, "eps", o.eps());
    detail::require_beta(rule, "betas[0]", o.betas()[0]);
    detail::require_beta(rule, "betas[1]", o.betas()[1]);
    detail::require_non_negative(rule, "weight_decay", o.weight_decay());
}

// torch.optim.adam._single_tensor_adam, and _single_tensor_adamw when `decoupled_decay` is set:
// θ shrinks by (1 - lr λ) first and the gradient gets no L2 term.
template <class T, class Options>
void adam_step(const Options& o, bool decoupled_decay, xt::xarray<T>& p, const xt::xarray<T>& grad,
               AdamState& state) {
    T* __restrict exp_avg = detail::buffer(state.exp_avg, p);
    T* __restrict exp_avg_sq = detail::buffer(state.exp_avg_sq, p);
    T* __restrict max_exp_avg_sq = o.amsgrad() ? detail::buffer(state.max_exp_avg_sq, p) : nullptr;
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const double bias_correction1 = 1 - std::pow(o.betas()[0], step);
    const double bias_correction2 = 1 - std::pow(o.betas()[1], step);
    const T step_size = T(-(o.lr() / bias_correction1));
    const T bias_correction2_sqrt = T(std::sqrt(bias_correction2));
    const detail::AdamMoments<T> moments(o.betas());
    const T eps = T(o.eps()), shrink = T(1 - o.lr() * o.weight_decay());
    const detail::Gradient<T> grad_at(grad, p, o.maximize(),
                                      decoupled_decay ? 0.0 : o.weight_decay());
    T* theta = p.data();
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const T g = grad_at(i);
        const T decayed = decoupled_decay ? theta[i] * shrink : theta[i];
        T& m = exp_avg[i];
        T& v = exp_avg_sq[i];
        moments.update(m, v, g);
        T v_used = v;  // amsgrad divides by the largest v so far
        if (o.amsgrad()) v_used = max_exp_avg_sq[i] = detail::larger(max_exp_avg_sq[i], v);
        theta[i] = decayed + step_size * m / (std::sqrt(v_used) / bias_correction2_sqrt + eps);
    }
}

}  // namespace

void AdamOptions::validate() const { validate_adam("Adam", *this); }
void AdamWOptions::validate() const { validate_adam("AdamW", *this); }

template <class T>
void Adam::update_tensor(const AdamOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                         AdamState& state) {
    adam_step(o, false, p, grad, state);
}

// torch.optim.adamw._single_tensor_adamw: decoupled decay of θ first, then Adam without L2.
template <class T>
void AdamW::update_tensor(const AdamWOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                          AdamState& state) {
    adam_step(o, true, p, grad, state);
}

template class Rule<Adam, AdamOptions, AdamState>;
template class Rule<AdamW, AdamWOptions, AdamState>;

}  // namespace xgrad::optim
