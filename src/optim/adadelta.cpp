#include "xgrad/optim/adadelta.hpp"

#include "optim/kernels.hpp"

namespace xgrad::optim {

void AdadeltaOptions::validate() const {
    detail::require_non_negative("Adadelta", "lr", lr);
    detail::require(rho >= 0.0 && rho <= 1.0, "Adadelta", "rho", rho, "in [0, 1]");
    detail::require_non_negative("Adadelta", "eps", eps);
    detail::require_non_negative("Adadelta", "weight_decay", weight_decay);
}

// torch.optim.adadelta._single_tensor_adadelta.
template <class T>
void Adadelta::update_tensor(const AdadeltaOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                             AdadeltaState& state) {
    auto& square_avg = detail::buffer(state.square_avg, p);
    auto& acc_delta = detail::buffer(state.acc_delta, p);
    auto& delta = detail::buffer(state.delta, p);
    state.step += 1;
    const T rho = T(o.rho);
    const T eps = T(o.eps);
    detail::with_grad(grad, p, o.maximize, o.weight_decay, [&](const auto& g) {
        xt::noalias(square_avg) = square_avg * rho + T(1 - o.rho) * g * g;
        // Δ is needed twice around the update of acc_delta it depends on: keep it.
        xt::noalias(delta) = xt::sqrt(acc_delta + eps) / xt::sqrt(square_avg + eps) * g;
    });
    xt::noalias(acc_delta) = acc_delta * rho + T(1 - o.rho) * delta * delta;
    xt::noalias(p) = p + T(-o.lr) * delta;
}

template class Rule<Adadelta, AdadeltaOptions, AdadeltaState>;

}  // namespace xgrad::optim
