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

// torch.optim.adagrad._single_tensor_adagrad.
template <class T>
void Adagrad::update_tensor(const AdagradOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                            AdagradState& state) {
    auto& sum = detail::buffer(state.sum, p, o.initial_accumulator_value);
    state.step += 1;
    const double clr = o.lr / (1 + (static_cast<double>(state.step) - 1) * o.lr_decay);
    detail::with_grad(grad, p, o.maximize, o.weight_decay, [&](const auto& g) {
        xt::noalias(sum) = sum + g * g;
        xt::noalias(p) = p + T(-clr) * g / (xt::sqrt(sum) + T(o.eps));
    });
}

template class Rule<Adagrad, AdagradOptions, AdagradState>;

}  // namespace xgrad::optim
