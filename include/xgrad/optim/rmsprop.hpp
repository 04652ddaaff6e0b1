#pragma once
/// \file rmsprop.hpp
/// RMSprop: gradients divided by a running root mean square of recent gradients, optionally
/// centered (divided by a running standard deviation) and with momentum. PyTorch's
/// torch.optim.RMSprop, formula for formula. See docs/optimizers.md.

#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of RMSprop with PyTorch's defaults.
class RMSpropOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `RMSpropOptions(0.1).alpha(...)`.
    RMSpropOptions(double lr = 1e-2) : lr_(lr) {}
    /// The former aggregate's positional spelling, `RMSpropOptions{lr, alpha, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    RMSpropOptions(double lr, double alpha, double eps = 1e-8, double weight_decay = 0.0,
                   double momentum = 0.0, bool centered = false, bool maximize = false)
        : RMSpropOptions(lr) {
        this->alpha(alpha)
            .eps(eps)
            .weight_decay(weight_decay)
            .momentum(momentum)
            .centered(centered)
            .maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    /// α: decay of the running average of g².
    XGRAD_ARG(double, alpha) = 0.99;
    /// Added to the root mean square, outside the square root.
    XGRAD_ARG(double, eps) = 1e-8;
    XGRAD_ARG(double, weight_decay) = 0.0;
    /// μ: momentum applied to the normalised gradient (0: none).
    XGRAD_ARG(double, momentum) = 0.0;
    /// Divide by √(E[g²] − E[g]²) (an estimate of the variance) instead of √E[g²].
    XGRAD_ARG(bool, centered) = false;
    XGRAD_ARG(bool, maximize) = false;

public:
    void validate() const;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr());
        fn("alpha", self.alpha());
        fn("eps", self.eps());
        fn("weight_decay", self.weight_decay());
        fn("momentum", self.momentum());
        fn("centered", self.centered());
        fn("maximize", self.maximize());
    }
};

/// RMSprop's state per parameter: step count, running average of g², running average of g
/// (centered only), momentum buffer (momentum > 0 only).
struct RMSpropState {
    std::int64_t step = 0;
    Tensor square_avg;
    Tensor grad_avg;
    Tensor momentum_buffer;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("square_avg", self.square_avg);
        fn("grad_avg", self.grad_avg);
        fn("momentum_buffer", self.momentum_buffer);
    }
};

/// torch.optim.RMSprop. With g = ∇L (+ λθ):
///     v ← α·v + (1 − α)·g²;  centered: m ← α·m + (1 − α)·g, d = √(v − m²) + ε, else d = √v + ε
///     momentum: buf ← μ·buf + g/d, θ ← θ − lr·buf;  otherwise θ ← θ − lr·g/d
class RMSprop : public Rule<RMSprop, RMSpropOptions, RMSpropState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "RMSprop";
    /// One update of one parameter (torch.optim's _single_tensor_rmsprop).
    template <class T>
    static void update_tensor(const RMSpropOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, RMSpropState& state);

protected:
    double* momentum_field(RMSpropOptions& options) const override { return &options.momentum(); }
};

extern template class Rule<RMSprop, RMSpropOptions, RMSpropState>;

}  // namespace xgrad::optim
