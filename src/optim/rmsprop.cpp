// Before any include: no contraction of a*b + c into fused multiply-adds (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

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

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : RMSprop(std::vector<ParamGroup<RMSpropOptions>>{ParamGroup<RMSpropOptions>(std::move(params),
                                                                                 options)},
              options) {}

RMSprop::RMSprop(std::vector<ParamGroup<RMSpropOptions>> groups, const RMSpropOptions& defaults)
    : OptimizerImpl("RMSprop", std::move(groups), defaults) {}

// torch.optim.rmsprop._single_tensor_rmsprop.
void RMSprop::update(const RMSpropOptions& o, Tensor& param, const Tensor& grad,
                     RMSpropState& state) {
    detail::ensure_buffer(state.square_avg, param);
    if (o.centered) detail::ensure_buffer(state.grad_avg, param);
    if (o.momentum > 0.0) detail::ensure_buffer(state.momentum_buffer, param);
    state.step += 1;
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto& p = param.value<T>();
        auto& square_avg = state.square_avg.value<T>();
        const T alpha = static_cast<T>(o.alpha);
        const T one_minus_alpha = static_cast<T>(1.0 - o.alpha);
        const T eps = static_cast<T>(o.eps);
        const T neg_lr = static_cast<T>(-o.lr);
        const T momentum = static_cast<T>(o.momentum);
        detail::with_grad(grad.value<T>(), p, o.maximize, o.weight_decay, [&](const auto& g) {
            xt::noalias(square_avg) = square_avg * alpha + one_minus_alpha * g * g;
            // Both branches end with the update of θ, the last reader of g.
            const auto finish = [&](const auto& avg) {
                if (o.momentum > 0.0) {
                    auto& buf = state.momentum_buffer.value<T>();
                    xt::noalias(buf) = buf * momentum + g / avg;
                    xt::noalias(p) = p + neg_lr * buf;
                } else {
                    xt::noalias(p) = p + neg_lr * g / avg;
                }
            };
            if (o.centered) {
                auto& grad_avg = state.grad_avg.value<T>();
                xt::noalias(grad_avg) = grad_avg * alpha + one_minus_alpha * g;
                finish(xt::sqrt(square_avg - grad_avg * grad_avg) + eps);
            } else {
                finish(xt::sqrt(square_avg) + eps);
            }
        });
    });
}

}  // namespace xgrad::optim
