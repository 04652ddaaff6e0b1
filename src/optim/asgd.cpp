#include "xgrad/optim/asgd.hpp"

#include <algorithm>
#include <cmath>

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void ASGDOptions::validate() const {
    detail::require_non_negative("ASGD", "lr", lr_);
    detail::require_non_negative("ASGD", "weight_decay", weight_decay_);
}

// torch.optim.asgd._single_tensor_asgd.
template <class T>
void ASGD::update_tensor(const ASGDOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                         ASGDState& state) {
    if (!state.ax.defined()) state.eta = o.lr();  // first step: η = lr, μ = 1
    T* __restrict ax = detail::buffer(state.ax, p);
    state.step += 1;
    const double step = static_cast<double>(state.step);
    const T shrink = T(1 - o.lambd() * state.eta), eta = T(-state.eta), mu = T(state.mu);
    const bool averages = state.mu != 1;  // μ = 1 copies θ
    const detail::Gradient<T> grad_at(grad, p, o.maximize(), o.weight_decay());
    T* theta = p.data();
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        theta[i] = theta[i] * shrink + eta * grad_at(i);
        ax[i] = averages ? ax[i] + (theta[i] - ax[i]) * mu : theta[i];
    }
    state.eta = o.lr() / std::pow(1 + o.lambd() * o.lr() * step, o.alpha());
    state.mu = 1 / std::max(1.0, step - o.t0());
}

Tensor ASGD::averaged(const Tensor& param) const {
    const std::vector<Tensor> all = parameters();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].node() != param.node()) continue;
        const ASGDState* slot = state(i);
        const Tensor& source = slot && slot->ax.defined() ? slot->ax : param;
        return xgrad::detail::copy_as(source, param.dtype());
    }
    throw ValueError("ASGD.averaged: the tensor of shape " + shape_str(param.shape()) +
                     " is not a parameter of this optimizer");
}

template class Rule<ASGD, ASGDOptions, ASGDState>;

}  // namespace xgrad::optim
