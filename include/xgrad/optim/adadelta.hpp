#pragma once
/// \file adadelta.hpp
/// Adadelta: steps scaled by the ratio of running RMS of past updates to running RMS of
/// gradients, so that lr = 1 works without tuning. PyTorch's torch.optim.Adadelta, formula for
/// formula. See docs/optimizers.md.

#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of Adadelta with PyTorch's defaults.
class AdadeltaOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `AdadeltaOptions(0.1).rho(...)`.
    AdadeltaOptions(double lr = 1.0) : lr_(lr) {}
    /// The former aggregate's positional spelling, `AdadeltaOptions{lr, rho, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    AdadeltaOptions(double lr, double rho, double eps = 1e-6, double weight_decay = 0.0,
                    bool maximize = false)
        : AdadeltaOptions(lr) {
        this->rho(rho).eps(eps).weight_decay(weight_decay).maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    /// ρ: decay of both running averages.
    XGRAD_ARG(double, rho) = 0.9;
    /// Added inside both square roots.
    XGRAD_ARG(double, eps) = 1e-6;
    XGRAD_ARG(double, weight_decay) = 0.0;
    XGRAD_ARG(bool, maximize) = false;

public:
    void validate() const;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr());
        fn("rho", self.rho());
        fn("eps", self.eps());
        fn("weight_decay", self.weight_decay());
        fn("maximize", self.maximize());
    }
};

/// Adadelta's state per parameter: step count, running average of g², running average of the
/// squared updates. `delta` is unused (the update computes Δ per element) and not saved.
struct AdadeltaState {
    std::int64_t step = 0;
    Tensor square_avg;
    Tensor acc_delta;
    Tensor delta;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("square_avg", self.square_avg);
        fn("acc_delta", self.acc_delta);
    }
};

/// torch.optim.Adadelta. With g = ∇L (+ λθ):
///     E[g²] ← ρ·E[g²] + (1 − ρ)·g²
///     Δ ← √(E[Δ²] + ε) / √(E[g²] + ε) · g
///     E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²;  θ ← θ − lr·Δ
class Adadelta : public Rule<Adadelta, AdadeltaOptions, AdadeltaState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "Adadelta";
    /// One update of one parameter (torch.optim's _single_tensor_adadelta).
    template <class T>
    static void update_tensor(const AdadeltaOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, AdadeltaState& state);
};

extern template class Rule<Adadelta, AdadeltaOptions, AdadeltaState>;

}  // namespace xgrad::optim
