// Before any include: no contraction of a*b + c into fused multiply-adds (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "xgrad/optim/adadelta.hpp"

#include "optim/kernels.hpp"

namespace xgrad::optim {

void AdadeltaOptions::validate() const {
    detail::require_non_negative("Adadelta", "lr", lr);
    detail::require(rho >= 0.0 && rho <= 1.0, "Adadelta", "rho", rho, "in [0, 1]");
    detail::require_non_negative("Adadelta", "eps", eps);
    detail::require_non_negative("Adadelta", "weight_decay", weight_decay);
}

Adadelta::Adadelta(std::vector<Tensor> params, const AdadeltaOptions& options)
    : Adadelta(std::vector<ParamGroup<AdadeltaOptions>>{ParamGroup<AdadeltaOptions>(
                   std::move(params), options)},
               options) {}

Adadelta::Adadelta(std::vector<ParamGroup<AdadeltaOptions>> groups, const AdadeltaOptions& defaults)
    : OptimizerImpl("Adadelta", std::move(groups), defaults) {}

// torch.optim.adadelta._single_tensor_adadelta.
void Adadelta::update(const AdadeltaOptions& o, Tensor& param, const Tensor& grad,
                      AdadeltaState& state) {
    detail::ensure_buffer(state.square_avg, param);
    detail::ensure_buffer(state.acc_delta, param);
    detail::ensure_buffer(state.delta, param);
    state.step += 1;
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto& p = param.value<T>();
        auto& square_avg = state.square_avg.value<T>();
        auto& acc_delta = state.acc_delta.value<T>();
        auto& delta = state.delta.value<T>();
        const T rho = static_cast<T>(o.rho);
        const T one_minus_rho = static_cast<T>(1.0 - o.rho);
        const T eps = static_cast<T>(o.eps);
        detail::with_grad(grad.value<T>(), p, o.maximize, o.weight_decay, [&](const auto& g) {
            xt::noalias(square_avg) = square_avg * rho + one_minus_rho * g * g;
            // Δ is needed twice around the update of acc_delta it depends on: keep it.
            xt::noalias(delta) = xt::sqrt(acc_delta + eps) / xt::sqrt(square_avg + eps) * g;
        });
        xt::noalias(acc_delta) = acc_delta * rho + one_minus_rho * delta * delta;
        xt::noalias(p) = p + static_cast<T>(-o.lr) * delta;
    });
}

}  // namespace xgrad::optim
