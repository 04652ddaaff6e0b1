// Before any include: no contraction of a*b + c into fused multiply-adds (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "xgrad/optim/adagrad.hpp"

#include "optim/kernels.hpp"

namespace xgrad::optim {

void AdagradOptions::validate() const {
    detail::require_non_negative("Adagrad", "lr", lr);
    detail::require_non_negative("Adagrad", "lr_decay", lr_decay);
    detail::require_non_negative("Adagrad", "weight_decay", weight_decay);
    detail::require_non_negative("Adagrad", "initial_accumulator_value", initial_accumulator_value);
    detail::require_non_negative("Adagrad", "eps", eps);
}

Adagrad::Adagrad(std::vector<Tensor> params, const AdagradOptions& options)
    : Adagrad(std::vector<ParamGroup<AdagradOptions>>{ParamGroup<AdagradOptions>(std::move(params),
                                                                                 options)},
              options) {}

Adagrad::Adagrad(std::vector<ParamGroup<AdagradOptions>> groups, const AdagradOptions& defaults)
    : OptimizerImpl("Adagrad", std::move(groups), defaults) {}

// torch.optim.adagrad._single_tensor_adagrad.
void Adagrad::update(const AdagradOptions& o, Tensor& param, const Tensor& grad,
                     AdagradState& state) {
    detail::ensure_buffer(state.sum, param, o.initial_accumulator_value);
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const double clr = o.lr / (1 + (step - 1) * o.lr_decay);
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto& p = param.value<T>();
        auto& sum = state.sum.value<T>();
        const T neg_clr = static_cast<T>(-clr);
        const T eps = static_cast<T>(o.eps);
        detail::with_grad(grad.value<T>(), p, o.maximize, o.weight_decay, [&](const auto& g) {
            xt::noalias(sum) = sum + g * g;
            xt::noalias(p) = p + neg_clr * g / (xt::sqrt(sum) + eps);
        });
    });
}

}  // namespace xgrad::optim
