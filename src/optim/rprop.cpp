#include "xgrad/optim/rprop.hpp"

#include "optim/kernels.hpp"

namespace xgrad::optim {

void RpropOptions::validate() const {
    detail::require_non_negative("Rprop", "lr", lr);
    detail::require(etas[0] > 0.0 && etas[0] < 1.0, "Rprop", "etas[0]", etas[0], "in (0, 1)");
    detail::require(etas[1] > 1.0, "Rprop", "etas[1]", etas[1], "> 1");
    detail::require_non_negative("Rprop", "step_sizes[0]", step_sizes[0]);
    detail::require(step_sizes[1] >= step_sizes[0], "Rprop", "step_sizes[1]", step_sizes[1],
                    ">= step_sizes[0]");
}

// torch.optim.rprop._single_tensor_rprop.
template <class T>
void Rprop::update_tensor(const RpropOptions& o, xt::xarray<T>& p, const xt::xarray<T>& grad,
                          RpropState& state) {
    auto& prev = detail::buffer(state.prev, p);
    auto& step_size = detail::buffer(state.step_size, p, o.lr);
    state.step += 1;
    const T etaminus = T(o.etas[0]);
    const T etaplus = T(o.etas[1]);
    detail::with_grad(grad, p, o.maximize, 0.0, [&](const auto& g) {
        const auto sign = xt::sign(g * prev);
        const auto eta = xt::where(sign > T(0), etaplus, xt::where(sign < T(0), etaminus, T(1)));
        xt::noalias(step_size) = xt::clip(step_size * eta, T(o.step_sizes[0]), T(o.step_sizes[1]));
        // After a sign flip the weight rests one step: its gradient counts as 0. θ before g'
        // (the last reader of the old g').
        const auto masked = xt::where(xt::equal(eta, etaminus), T(0), g);
        xt::noalias(p) = p - xt::sign(masked) * step_size;
        xt::noalias(prev) = masked;
    });
}

template class Rule<Rprop, RpropOptions, RpropState>;

}  // namespace xgrad::optim
