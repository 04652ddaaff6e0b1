#include "xgrad/optim/rmsprop.hpp"

#include "optim/kernels.hpp"

namespace xgrad::optim {

void RMSpropOptions::validate() const {
    detail::require_non_negative("RMSprop", "lr", lr);
    detail::require_non_negative("RMSprop", "alpha", alpha);
    detail::require_non_negative("RMSprop", "eps", eps);
    detail::require_non_negative("RMSprop", "weight_decay", weight_decay);
    detail::require_non_negative("RMSprop", "momentum", momentum);
}

// torch.optim.rmsprop._single_tensor_rmsprop.
template <class T>
void RMSprop::update_tensor(const RMSpropOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                            RMSpropState& state) {
    auto& square_avg = detail::buffer(state.square_avg, p);
    state.step += 1;
    const T alpha = T(o.alpha);
    const T one_minus_alpha = T(1 - o.alpha);
    detail::with_grad(grad, p, o.maximize, o.weight_decay, [&](const auto& g) {
        xt::noalias(square_avg) = square_avg * alpha + one_minus_alpha * g * g;
        // Both branches end with the update of θ, the last reader of g.
        const auto finish = [&](const auto& avg) {
            if (o.momentum > 0.0) {
                auto& buf = detail::buffer(state.momentum_buffer, p);
                xt::noalias(buf) = buf * T(o.momentum) + g / avg;
                xt::noalias(p) = p + T(-o.lr) * buf;
            } else {
                xt::noalias(p) = p + T(-o.lr) * g / avg;
            }
        };
        if (o.centered) {
            auto& grad_avg = detail::buffer(state.grad_avg, p);
            xt::noalias(grad_avg) = grad_avg * alpha + one_minus_alpha * g;
            finish(xt::sqrt(square_avg - grad_avg * grad_avg) + T(o.eps));
        } else {
            finish(xt::sqrt(square_avg) + T(o.eps));
        }
    });
}

template class Rule<RMSprop, RMSpropOptions, RMSpropState>;

}  // namespace xgrad::optim
