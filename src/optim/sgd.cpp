#include "xgrad/optim/sgd.hpp"

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void SGDOptions::validate() const {
    detail::require_non_negative("SGD", "lr", lr_);
    detail::require_non_negative("SGD", "momentum", momentum_);
    detail::require_non_negative("SGD", "weight_decay", weight_decay_);
    if (nesterov_ && (momentum_ <= 0.0 || dampening_ != 0.0))
        throw ValueError("SGD: nesterov requires momentum > 0 and dampening 0 (got momentum " +
                         format_exact(momentum_) + ", dampening " + format_exact(dampening_) + ")");
}

// torch.optim.sgd._single_tensor_sgd, one pass over parameter, gradient and buffer.
template <class T>
void SGD::update_tensor(const SGDOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                        SGDState& state) {
    const detail::Gradient<T> grad_at(grad, p, o.maximize(), o.weight_decay());
    T* theta = p.data();  // not restrict: grad_at reads it too (weight decay)
    const T lr = T(-o.lr());
    const std::size_t n = p.size();
    if (o.momentum() == 0.0) {
        for (std::size_t i = 0; i < n; ++i) theta[i] = theta[i] + lr * grad_at(i);
        return;
    }
    const bool first_step = !state.momentum_buffer.defined();
    T* __restrict buf = detail::buffer(state.momentum_buffer, p);
    const T momentum = T(o.momentum()), damping = T(1 - o.dampening());
    for (std::size_t i = 0; i < n; ++i) {
        const T g = grad_at(i);
        // The buffer starts as the gradient itself, undamped.
        buf[i] = first_step ? g : buf[i] * momentum + damping * g;
        theta[i] = o.nesterov() ? theta[i] + lr * (g + momentum * buf[i]) : theta[i] + lr * buf[i];
    }
}

template class Rule<SGD, SGDOptions, SGDState>;

}  // namespace xgrad::optim
