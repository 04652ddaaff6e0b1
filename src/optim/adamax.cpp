#include "xgrad/optim/adamax.hpp"

#include <cmath>

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void AdamaxOptions::validate() const {
    detail::require_non_negative("Adamax", "lr", lr_);
    detail::require_non_negative("Adamax", "eps", eps_);
    detail::require_beta("Adamax", "betas[0]", betas_[0]);
    detail::require_beta("Adamax", "betas[1]", betas_[1]);
    detail::require_non_negative("Adamax", "weight_decay", weight_decay_);
}

// torch.optim.adamax._single_tensor_adamax.
template <class T>
void Adamax::update_tensor(const AdamaxOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                           AdamaxState& state) {
    T* __restrict exp_avg = detail::buffer(state.exp_avg, p);
    T* __restrict exp_inf = detail::buffer(state.exp_inf, p);
    state.step += 1;
    const double clr = o.lr() / (1 - std::pow(o.betas()[0], static_cast<double>(state.step)));
    const T beta1 = T(o.betas()[0]), one_minus_beta1 = T(1 - o.betas()[0]), beta2 = T(o.betas()[1]);
    const T eps = T(o.eps()), step_size = T(-clr);
    const detail::Gradient<T> grad_at(grad, p, o.maximize(), o.weight_decay());
    T* theta = p.data();
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const T g = grad_at(i);
        T& m = exp_avg[i];
        T& u = exp_inf[i];
        m = m * beta1 + one_minus_beta1 * g;
        u = detail::larger(u * beta2, std::abs(g) + eps);
        theta[i] = theta[i] + step_size * m / u;
    }
}

template class Rule<Adamax, AdamaxOptions, AdamaxState>;

}  // namespace xgrad::optim
