#pragma once
/// \file rprop.hpp
/// Rprop, resilient backpropagation (Riedmiller and Braun, 1993): every weight has its own step
/// size, grown while its gradient keeps its sign and shrunk when the sign flips; only the sign of
/// the gradient is used. PyTorch's torch.optim.Rprop, formula for formula. Meant for full-batch
/// descent: with noisy mini-batch gradients the signs flip at random. See docs/optimizers.md.

#include <array>
#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of Rprop with PyTorch's defaults.
class RpropOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `RpropOptions(0.1).etas(...)`.
    RpropOptions(double lr = 1e-2) : lr_(lr) {}
    /// The former aggregate's positional spelling, `RpropOptions{lr, etas, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    RpropOptions(double lr, DoublePair etas, DoublePair step_sizes = DoublePair{1e-6, 50.0},
                 bool maximize = false)
        : RpropOptions(lr) {
        this->etas(etas).step_sizes(step_sizes).maximize(maximize);
    }
    /// The initial step size of every weight.
    XGRAD_ARG(double, lr);
    /// (η−, η+): step-size factors on a sign flip and on an unchanged sign; 0 < η− < 1 < η+.
    XGRAD_ARG(DoublePair, etas) = {0.5, 1.2};
    /// The smallest and largest step sizes.
    XGRAD_ARG(DoublePair, step_sizes) = {1e-6, 50.0};
    XGRAD_ARG(bool, maximize) = false;

public:
    /// Throws ValueError naming the hyperparameter and its value.
    void validate() const;
    /// Calls `fn(name, field)` for every hyperparameter, with PyTorch's names.
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr());
        fn("etas.0", self.etas()[0]);
        fn("etas.1", self.etas()[1]);
        fn("step_sizes.0", self.step_sizes()[0]);
        fn("step_sizes.1", self.step_sizes()[1]);
        fn("maximize", self.maximize());
    }
};

/// Rprop's state per parameter: step count, the previous (masked) gradient, the step sizes.
struct RpropState {
    std::int64_t step = 0;
    Tensor prev;
    Tensor step_size;
    /// Calls `fn(name, field)` for every field, with PyTorch's names.
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("prev", self.prev);
        fn("step_size", self.step_size);
    }
};

/// torch.optim.Rprop, per weight, with g the gradient and g' the previous one (0 at first):
///     s = sign(g·g');  η = η+ if s > 0, η− if s < 0, 1 if s = 0
///     Δ ← clamp(Δ·η, Δmin, Δmax);  g ← 0 where η = η− (skip the step after a flip)
///     θ ← θ − sign(g)·Δ;  g' ← g
class Rprop : public Rule<Rprop, RpropOptions, RpropState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "Rprop";
    /// One update of one parameter (torch.optim's _single_tensor_rprop).
    template <class T>
    static void update_tensor(const RpropOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, RpropState& state);
};

extern template class Rule<Rprop, RpropOptions, RpropState>;

}  // namespace xgrad::optim
