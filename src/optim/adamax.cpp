// Before any include: no contraction of a*b + c into fused multiply-adds (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "xgrad/optim/adamax.hpp"

#include <cmath>

#include "optim/kernels.hpp"

namespace xgrad::optim {

void AdamaxOptions::validate() const {
    detail::require_non_negative("Adamax", "lr", lr);
    detail::require_non_negative("Adamax", "eps", eps);
    detail::require_beta("Adamax", "betas[0]", betas[0]);
    detail::require_beta("Adamax", "betas[1]", betas[1]);
    detail::require_non_negative("Adamax", "weight_decay", weight_decay);
}

Adamax::Adamax(std::vector<Tensor> params, const AdamaxOptions& options)
    : Adamax(std::vector<ParamGroup<AdamaxOptions>>{ParamGroup<AdamaxOptions>(std::move(params),
                                                                              options)},
             options) {}

Adamax::Adamax(std::vector<ParamGroup<AdamaxOptions>> groups, const AdamaxOptions& defaults)
    : OptimizerImpl("Adamax", std::move(groups), defaults) {}

// torch.optim.adamax._single_tensor_adamax.
void Adamax::update(const AdamaxOptions& o, Tensor& param, const Tensor& grad, AdamaxState& state) {
    detail::ensure_buffer(state.exp_avg, param);
    detail::ensure_buffer(state.exp_inf, param);
    state.step += 1;
    const double beta1 = o.betas[0];
    const double beta2 = o.betas[1];
    const double clr = o.lr / (1 - std::pow(beta1, static_cast<double>(state.step)));
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto& p = param.value<T>();
        auto& exp_avg = state.exp_avg.value<T>();
        auto& exp_inf = state.exp_inf.value<T>();
        const T eps = static_cast<T>(o.eps);
        detail::with_grad(grad.value<T>(), p, o.maximize, o.weight_decay, [&](const auto& g) {
            xt::noalias(exp_avg) = exp_avg * static_cast<T>(beta1) + static_cast<T>(1 - beta1) * g;
            xt::noalias(exp_inf) = xt::maximum(exp_inf * static_cast<T>(beta2), xt::abs(g) + eps);
        });
        xt::noalias(p) = p + static_cast<T>(-clr) * exp_avg / exp_inf;
    });
}

}  // namespace xgrad::optim
