// Before any include: no contraction of a*b + c into fused multiply-adds (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "xgrad/optim/sgd.hpp"

#include "optim/kernels.hpp"

namespace xgrad::optim {

void SGDOptions::validate() const {
    detail::require_non_negative("SGD", "lr", lr);
    detail::require_non_negative("SGD", "momentum", momentum);
    detail::require_non_negative("SGD", "weight_decay", weight_decay);
    if (nesterov && (momentum <= 0.0 || dampening != 0.0))
        throw ValueError("SGD: nesterov requires momentum > 0 and dampening 0 (got momentum " +
                         detail::number_text(momentum) + ", dampening " +
                         detail::number_text(dampening) + ")");
}

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : SGD(std::vector<ParamGroup<SGDOptions>>{ParamGroup<SGDOptions>(std::move(params), options)},
          options) {}

SGD::SGD(std::vector<ParamGroup<SGDOptions>> groups, const SGDOptions& defaults)
    : OptimizerImpl("SGD", std::move(groups), defaults) {}

// torch.optim.sgd._single_tensor_sgd.
void SGD::update(const SGDOptions& o, Tensor& param, const Tensor& grad, SGDState& state) {
    dispatch(param.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto& p = param.value<T>();
        const T neg_lr = static_cast<T>(-o.lr);
        detail::with_grad(grad.value<T>(), p, o.maximize, o.weight_decay, [&](const auto& g) {
            if (o.momentum == 0.0) {
                xt::noalias(p) = p + neg_lr * g;
                return;
            }
            const T momentum = static_cast<T>(o.momentum);
            Tensor& buffer_tensor = state.momentum_buffer;
            if (!buffer_tensor.defined()) {
                // First step: the buffer is the gradient itself, undamped.
                buffer_tensor = zeros_like(param);
                xt::noalias(buffer_tensor.value<T>()) = g;
            } else if (!o.nesterov && o.weight_decay == 0.0 && !o.maximize) {
                // The common case in one pass over p, grad and buf (the two statements below
                // read buf twice); the same roundings in the same order.
                T* pb = buffer_tensor.value<T>().data();
                T* pp = p.data();
                const T* pg = grad.value<T>().data();
                const T keep = static_cast<T>(1.0 - o.dampening);
                for (std::size_t i = 0, n = p.size(); i < n; ++i) {
                    const T b = pb[i] * momentum + keep * pg[i];
                    pb[i] = b;
                    pp[i] = pp[i] + neg_lr * b;
                }
                return;
            } else {
                auto& buf = buffer_tensor.value<T>();
                xt::noalias(buf) = buf * momentum + static_cast<T>(1.0 - o.dampening) * g;
            }
            const auto& buf = buffer_tensor.value<T>();
            if (o.nesterov)
                xt::noalias(p) = p + neg_lr * (g + momentum * buf);
            else
                xt::noalias(p) = p + neg_lr * buf;
        });
    });
}

}  // namespace xgrad::optim
