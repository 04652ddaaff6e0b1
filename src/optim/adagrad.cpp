#include "xgrad/optim/adagrad.hpp"

#include <cmath>

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void AdagradOptions::validate() const {
    detail::require_non_negative("Adagrad", "lr", lr_);
    detail::require_non_negative("Adagrad", "lr_decay", lr_decay_);
    detail::require_non_negative("Adagrad", "weight_decay", weight_decay_);
    detail::require_non_negative("Adagrad", "initial_accumulator_value",
                                 initial_accumulator_value_);
    detail::require_non_negative("Adagrad", "eps", eps_);
}

// torch.optim.adagrad._single_tensor_adagrad.
template <class T>
void Adagrad::update_tensor(const AdagradOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                            AdagradState& state) {
    T* __restrict sum = detail::buffer(state.sum, p, o.initial_accumulator_value());
    state.step += 1;
    const double clr = o.lr() / (1 + (static_cast<double>(state.step) - 1) * o.lr_decay());
    const T step_size = T(-clr), eps = T(o.eps());
    const detail::Gradient<T> grad_at(grad, p, o.maximize(), o.weight_decay());
    T* theta = p.data();
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const T g = grad_at(i);
        sum[i] = sum[i] + g * g;
        theta[i] = theta[i] + step_size * g / (std::sqrt(sum[i]) + eps);
    }
}

template class Rule<Adagrad, AdagradOptions, AdagradState>;

}  // namespace xgrad::optim
