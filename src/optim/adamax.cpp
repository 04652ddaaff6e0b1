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

// torch.optim.adamax._single_tensor_adamax.
template <class T>
void Adamax::update_tensor(const AdamaxOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                           AdamaxState& state) {
    auto& exp_avg = detail::buffer(state.exp_avg, p);
    auto& exp_inf = detail::buffer(state.exp_inf, p);
    state.step += 1;
    const double beta1 = o.betas[0];
    const double beta2 = o.betas[1];
    const double clr = o.lr / (1 - std::pow(beta1, static_cast<double>(state.step)));
    detail::with_grad(grad, p, o.maximize, o.weight_decay, [&](const auto& g) {
        xt::noalias(exp_avg) = exp_avg * T(beta1) + T(1 - beta1) * g;
        xt::noalias(exp_inf) = xt::maximum(exp_inf * T(beta2), xt::abs(g) + T(o.eps));
    });
    xt::noalias(p) = p + T(-clr) * exp_avg / exp_inf;
}

template class Rule<Adamax, AdamaxOptions, AdamaxState>;

}  // namespace xgrad::optim
