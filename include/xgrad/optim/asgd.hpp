#pragma once
/// \file asgd.hpp
/// Averaged stochastic gradient descent (Polyak and Juditsky, 1992; the learning-rate schedule of
/// Bottou, 2012): SGD with a decaying step and a running average ax of the iterates, the point
/// that converges. PyTorch's torch.optim.ASGD, formula for formula. See docs/optimizers.md.

#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of ASGD with PyTorch's defaults.
class ASGDOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `ASGDOptions(0.1).lambd(...)`.
    ASGDOptions(double lr = 1e-2) : lr_(lr) {}
    /// The former aggregate's positional spelling, `ASGDOptions{lr, lambd, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    ASGDOptions(double lr, double lambd, double alpha = 0.75, double t0 = 1e6,
                double weight_decay = 0.0, bool maximize = false)
        : ASGDOptions(lr) {
        this->lambd(lambd).alpha(alpha).t0(t0).weight_decay(weight_decay).maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    /// λ: decay term, in the step size η_t = lr / (1 + λ·lr·t)^α and the shrink θ·(1 − λη).
    XGRAD_ARG(double, lambd) = 1e-4;
    /// α: power of the step-size decay.
    XGRAD_ARG(double, alpha) = 0.75;
    /// t0: the step from which averaging starts (before it ax follows θ).
    XGRAD_ARG(double, t0) = 1e6;
    XGRAD_ARG(double, weight_decay) = 0.0;
    XGRAD_ARG(bool, maximize) = false;

public:
    /// Throws ValueError naming the hyperparameter and its value.
    void validate() const;
    /// Calls `fn(name, field)` for every hyperparameter, with PyTorch's names.
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr());
        fn("lambd", self.lambd());
        fn("alpha", self.alpha());
        fn("t0", self.t0());
        fn("weight_decay", self.weight_decay());
        fn("maximize", self.maximize());
    }
};

/// ASGD's state per parameter: step count, current step size η, averaging weight μ and the
/// averaged parameter ax.
struct ASGDState {
    std::int64_t step = 0;
    double eta = 0.0;
    double mu = 1.0;
    Tensor ax;
    /// Calls `fn(name, field)` for every field, with PyTorch's names.
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("eta", self.eta);
        fn("mu", self.mu);
        fn("ax", self.ax);
    }
};

/// torch.optim.ASGD. With g = ∇L (+ λ_wd·θ), t the step count (η starts at lr, μ at 1):
///     θ ← θ·(1 − λη) − η·g
///     ax ← θ if μ = 1, else ax + μ·(θ − ax)
///     η ← lr / (1 + λ·lr·t)^α;  μ ← 1 / max(1, t − t0)
class ASGD : public Rule<ASGD, ASGDOptions, ASGDState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "ASGD";
    /// One update of one parameter (torch.optim's _single_tensor_asgd).
    template <class T>
    static void update_tensor(const ASGDOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, ASGDState& state);

    /// The averaged iterate ax of `param` (PyTorch's state[param]['ax']), the value to evaluate
    /// or deploy: a copy, or a copy of `param` before its first step. ValueError when `param`
    /// is not optimized by this ASGD.
    Tensor averaged(const Tensor& param) const;
};

extern template class Rule<ASGD, ASGDOptions, ASGDState>;

}  // namespace xgrad::optim
