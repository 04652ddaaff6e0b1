#include "xgrad/optim/rmsprop.hpp"

#include <cmath>

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void RMSpropOptions::validate() const {
    detail::require_non_negative("RMSprop", "lr", lr_);
    detail::require_non_negative("RMSprop", "alpha", alpha_);
    detail::require_non_negative("RMSprop", "eps", eps_);
    detail::require_non_negative("RMSprop", "weight_decay", weight_decay_);
    detail::require_non_negative("RMSprop", "momentum", momentum_);
}

// torch.optim.rmsprop._single_tensor_rmsprop.
template <class T>
void RMSprop::update_tensor(const RMSpropOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                            RMSpropState& state) {
    T* __restrict square_avg = detail::buffer(state.square_avg, p);
    T* __restrict grad_avg = o.centered() ? detail::buffer(state.grad_avg, p) : nullptr;
    const bool uses_momentum = o.momentum() > 0.0;
    T* __restrict buf = uses_momentum ? detail::buffer(state.momentum_buffer, p) : nullptr;
    state.step += 1;
    const T alpha = T(o.alpha()), one_minus_alpha = T(1 - o.alpha());
    const T eps = T(o.eps()), momentum = T(o.momentum()), lr = T(-o.lr());
    const detail::Gradient<T> grad_at(grad, p, o.maximize(), o.weight_decay());
    T* theta = p.data();
    const auto loop = [&](auto centered, auto uses_momentum) {
        for (std::size_t i = 0, n = p.size(); i < n; ++i) {
            const T g = grad_at(i);
            T& v = square_avg[i];
            v = v * alpha + one_minus_alpha * g * g;
            T avg;
            if (centered) {  // subtract the square of the mean gradient
                T& mean = grad_avg[i];
                mean = mean * alpha + one_minus_alpha * g;
                avg = std::sqrt(v - mean * mean) + eps;
            } else {
                avg = std::sqrt(v) + eps;
            }
            if (uses_momentum) {
                buf[i] = buf[i] * momentum + g / avg;
                theta[i] = theta[i] + lr * buf[i];
            } else {
                theta[i] = theta[i] + lr * g / avg;
            }
        }
    };
    detail::with_constant_flags(loop, o.centered(), uses_momentum);
}

template class Rule<RMSprop, RMSpropOptions, RMSpropState>;

}  // namespace xgrad::optim
