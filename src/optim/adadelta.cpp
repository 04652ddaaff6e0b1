#include "xgrad/optim/adadelta.hpp"

#include <cmath>

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void AdadeltaOptions::validate() const {
    detail::require_non_negative("Adadelta", "lr", lr_);
    detail::require(rho_ >= 0.0 && rho_ <= 1.0, "Adadelta", "rho", rho_, "in [0, 1]");
    detail::require_non_negative("Adadelta", "eps", eps_);
    detail::require_non_negative("Adadelta", "weight_decay", weight_decay_);
}

// torch.optim.adadelta._single_tensor_adadelta.
template <class T>
void Adadelta::update_tensor(const AdadeltaOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                             AdadeltaState& state) {
    T* __restrict square_avg = detail::buffer(state.square_avg, p);
    T* __restrict acc_delta = detail::buffer(state.acc_delta, p);
    state.step += 1;
    const T rho = T(o.rho()), one_minus_rho = T(1 - o.rho()), eps = T(o.eps()), lr = T(-o.lr());
    const detail::Gradient<T> grad_at(grad, p, o.maximize(), o.weight_decay());
    T* theta = p.data();
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const T g = grad_at(i);
        T& v = square_avg[i];
        T& u = acc_delta[i];
        v = v * rho + one_minus_rho * g * g;
        const T delta = std::sqrt(u + eps) / std::sqrt(v + eps) * g;
        u = u * rho + one_minus_rho * delta * delta;
        theta[i] = theta[i] + lr * delta;
    }
}

template class Rule<Adadelta, AdadeltaOptions, AdadeltaState>;

}  // namespace xgrad::optim
