#include "xgrad/optim/rprop.hpp"

#include "optim/update_inputs.hpp"

namespace xgrad::optim {

void RpropOptions::validate() const {
    detail::require_non_negative("Rprop", "lr", lr_);
    detail::require(etas_[0] > 0.0 && etas_[0] < 1.0, "Rprop", "etas[0]", etas_[0], "in (0, 1)");
    detail::require(etas_[1] > 1.0, "Rprop", "etas[1]", etas_[1], "> 1");
    detail::require_non_negative("Rprop", "step_sizes[0]", step_sizes_[0]);
    detail::require(step_sizes_[1] >= step_sizes_[0], "Rprop", "step_sizes[1]", step_sizes_[1],
                    ">= step_sizes_[0]");
}

// torch.optim.rprop._single_tensor_rprop.
template <class T>
void Rprop::update_tensor(const RpropOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                          RpropState& state) {
    T* __restrict prev = detail::buffer(state.prev, p);
    T* __restrict step_size = detail::buffer(state.step_size, p, o.lr());
    state.step += 1;
    const T etaminus = T(o.etas()[0]), etaplus = T(o.etas()[1]);
    const T step_size_min = T(o.step_sizes()[0]), step_size_max = T(o.step_sizes()[1]);
    const detail::Gradient<T> grad_at(grad, p, o.maximize(), 0.0);
    T* theta = p.data();
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const T g = grad_at(i);
        const T sign = detail::sign(g * prev[i]);
        const T eta = sign > T(0) ? etaplus : sign < T(0) ? etaminus : T(1);
        const T scaled = step_size[i] * eta;  // clamped to [min, max] as xt::clip does
        step_size[i] = scaled < step_size_min   ? step_size_min
                       : step_size_max < scaled ? step_size_max
                                                : scaled;
        // After a sign flip the weight rests one step: its gradient counts as 0.
        const T masked = eta == etaminus ? T(0) : g;
        theta[i] = theta[i] - detail::sign(masked) * step_size[i];
        prev[i] = masked;
    }
}

template class Rule<Rprop, RpropOptions, RpropState>;

}  // namespace xgrad::optim
