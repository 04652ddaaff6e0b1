#pragma once
/// \file adagrad.hpp
/// Adagrad: a per-coordinate learning rate that shrinks with the sum of squared gradients seen
/// so far. PyTorch's torch.optim.Adagrad, formula for formula. See docs/optimizers.md.

#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of Adagrad with PyTorch's defaults.
class AdagradOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `AdagradOptions(0.1).lr_decay(...)`.
    AdagradOptions(double lr = 1e-2) : lr_(lr) {}
    /// The former aggregate's positional spelling, `AdagradOptions{lr, lr_decay, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    AdagradOptions(double lr, double lr_decay, double weight_decay = 0.0,
                   double initial_accumulator_value = 0.0, double eps = 1e-10,
                   bool maximize = false)
        : AdagradOptions(lr) {
        this->lr_decay(lr_decay)
            .weight_decay(weight_decay)
            .initial_accumulator_value(initial_accumulator_value)
            .eps(eps)
            .maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    /// k: the step size at step t is lr / (1 + (t − 1)·k).
    XGRAD_ARG(double, lr_decay) = 0.0;
    XGRAD_ARG(double, weight_decay) = 0.0;
    /// The starting value of the sum of squares.
    XGRAD_ARG(double, initial_accumulator_value) = 0.0;
    /// Added to √sum, outside the square root.
    XGRAD_ARG(double, eps) = 1e-10;
    XGRAD_ARG(bool, maximize) = false;

public:
    void validate() const;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr());
        fn("lr_decay", self.lr_decay());
        fn("weight_decay", self.weight_decay());
        fn("initial_accumulator_value", self.initial_accumulator_value());
        fn("eps", self.eps());
        fn("maximize", self.maximize());
    }
};

/// Adagrad's state per parameter: the step count and the running sum of squared gradients.
struct AdagradState {
    std::int64_t step = 0;
    Tensor sum;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("sum", self.sum);
    }
};

/// torch.optim.Adagrad. With g = ∇L (+ λθ), t the step count:
///     sum ← sum + g²;  θ ← θ − lr/(1 + (t − 1)·lr_decay) · g / (√sum + ε)
class Adagrad : public Rule<Adagrad, AdagradOptions, AdagradState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "Adagrad";
    /// One update of one parameter (torch.optim's _single_tensor_adagrad).
    template <class T>
    static void update_tensor(const AdagradOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, AdagradState& state);
};

extern template class Rule<Adagrad, AdagradOptions, AdagradState>;

}  // namespace xgrad::optim
