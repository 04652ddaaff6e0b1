#pragma once
/// \file sgd.hpp
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and coupled weight
/// decay: PyTorch's torch.optim.SGD, formula for formula. See docs/optimizers.md.

#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of SGD with PyTorch's defaults (lr has PyTorch 2.x's default 1e-3).
class SGDOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `SGDOptions(0.1).momentum(...)`.
    SGDOptions(double lr = 1e-3) : lr_(lr) {}
    /// The former aggregate's positional spelling, `SGDOptions{lr, momentum, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    SGDOptions(double lr, double momentum, double dampening = 0.0, double weight_decay = 0.0,
               bool nesterov = false, bool maximize = false)
        : SGDOptions(lr) {
        this->momentum(momentum)
            .dampening(dampening)
            .weight_decay(weight_decay)
            .nesterov(nesterov)
            .maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    /// μ: weight of the previous step in the momentum buffer (0: plain gradient descent).
    XGRAD_ARG(double, momentum) = 0.0;
    /// τ: the buffer adds (1 − τ)·g (not on the first step, where the buffer is g itself).
    XGRAD_ARG(double, dampening) = 0.0;
    /// λ: L2 penalty added to the gradient (g + λθ).
    XGRAD_ARG(double, weight_decay) = 0.0;
    /// Nesterov momentum: step along g + μ·buf instead of buf (needs momentum > 0, dampening 0).
    XGRAD_ARG(bool, nesterov) = false;
    /// Ascend instead of descend (the update uses −g).
    XGRAD_ARG(bool, maximize) = false;

public:
    /// Throws ValueError naming the hyperparameter and its value.
    void validate() const;
    /// Calls `fn(name, field)` for every hyperparameter, with PyTorch's names.
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr());
        fn("momentum", self.momentum());
        fn("dampening", self.dampening());
        fn("weight_decay", self.weight_decay());
        fn("nesterov", self.nesterov());
        fn("maximize", self.maximize());
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
    double* momentum_field(SGDOptions& options) const override { return &options.momentum(); }
};

extern template class Rule<SGD, SGDOptions, SGDState>;

}  // namespace xgrad::optim
