#include "xgrad/optim/sgd.hpp"

#include "optim/kernels.hpp"

namespace xgrad::optim {

void SGDOptions::validate() const {
    detail::require_non_negative("SGD", "lr", lr);
    detail::require_non_negative("SGD", "momentum", momentum);
    detail::require_non_negative("SGD", "weight_decay", weight_decay);
    if (nesterov && (momentum <= 0.0 || dampening != 0.0))
        throw ValueError("SGD: nesterov requires momentum > 0 and dampening 0 (got momentum " +
                         format_exact(momentum) + ", dampening " + format_exact(dampening) + ")");
}

// torch.optim.sgd._single_tensor_sgd.
template <class T>
void SGD::update_tensor(const SGDOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                        SGDState& state) {
    detail::with_grad(grad, p, o.maximize, o.weight_decay, [&](const auto& g) {
        if (o.momentum == 0.0) {
            xt::noalias(p) = p + T(-o.lr) * g;
            return;
        }
        const bool first_step = !state.momentum_buffer.defined();
        auto& buf = detail::buffer(state.momentum_buffer, p);
        if (first_step)
            xt::noalias(buf) = g;  // the buffer starts as the gradient itself, undamped
        else
            xt::noalias(buf) = buf * T(o.momentum) + T(1 - o.dampening) * g;
        if (o.nesterov)
            xt::noalias(p) = p + T(-o.lr) * (g + T(o.momentum) * buf);
        else
            xt::noalias(p) = p + T(-o.lr) * buf;
    });
}

template class Rule<SGD, SGDOptions, SGDState>;

}  // namespace xgrad::optim
