#pragma once
/// \file sgd.hpp
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and coupled weight
/// decay: PyTorch's torch.optim.SGD, formula for formula. See docs/optimizers.md.

#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of SGD with PyTorch's defaults (lr has PyTorch 2.x's default 1e-3).
struct SGDOptions {
    double lr = 1e-3;
    /// μ: weight of the previous step in the momentum buffer (0: plain gradient descent).
    double momentum = 0.0;
    /// τ: the buffer adds (1 − τ)·g (not on the first step, where the buffer is g itself).
    double dampening = 0.0;
    /// λ: L2 penalty added to the gradient (g + λθ).
    double weight_decay = 0.0;
    /// Nesterov momentum: step along g + μ·buf instead of buf (needs momentum > 0, dampening 0).
    bool nesterov = false;
    /// Ascend instead of descend (the update uses −g).
    bool maximize = false;

    /// Throws ValueError naming the hyperparameter and its value.
    void validate() const;
    /// Calls `fn(name, field)` for every hyperparameter, with PyTorch's names.
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr);
        fn("momentum", self.momentum);
        fn("dampening", self.dampening);
        fn("weight_decay", self.weight_decay);
        fn("nesterov", self.nesterov);
        fn("maximize", self.maximize);
    }
};

/// SGD's state per parameter: the momentum buffer (undefined when momentum is 0).
struct SGDState {
    Tensor momentum_buffer;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("momentum_buffer", self.momentum_buffer);
    }
};

/// torch.optim.SGD. With g = ∇L (+ λθ):
///     buf ← g on the first step, else buf ← μ·buf + (1 − τ)·g
///     d ← g + μ·buf (Nesterov) or buf (momentum) or g (μ = 0)
///     θ ← θ − η·d
class SGD : public Rule<SGD, SGDOptions, SGDState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "SGD";
    /// One update of one parameter (torch.optim's _single_tensor_sgd).
    template <class T>
    static void update_tensor(const SGDOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, SGDState& state);

protected:
    double* momentum_field(SGDOptions& options) const override { return &options.momentum; }
};

extern template class Rule<SGD, SGDOptions, SGDState>;

}  // namespace xgrad::optim
