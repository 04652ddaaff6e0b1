#pragma once
/// \file nadam.hpp
/// NAdam: Adam with Nesterov momentum and a warming-up momentum schedule μ_t. PyTorch's
/// torch.optim.NAdam as in PyTorch >= 2.0 (PyTorch 1.13 multiplied μ_t into the product twice,
/// fixed by pytorch#92699). See docs/optimizers.md.

#include <array>
#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of NAdam with PyTorch's defaults.
class NAdamOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `NAdamOptions(0.1).betas(...)`.
    NAdamOptions(double lr = 2e-3) : lr_(lr) {}
    /// The former aggregate's positional spelling, `NAdamOptions{lr, betas, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    NAdamOptions(double lr, DoublePair betas, double eps = 1e-8, double weight_decay = 0.0,
                 double momentum_decay = 4e-3, bool maximize = false)
        : NAdamOptions(lr) {
        this->betas(betas)
            .eps(eps)
            .weight_decay(weight_decay)
            .momentum_decay(momentum_decay)
            .maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    XGRAD_ARG(DoublePair, betas) = {0.9, 0.999};
    /// Added to √(v / (1 − β2^t)), outside the square root.
    XGRAD_ARG(double, eps) = 1e-8;
    XGRAD_ARG(double, weight_decay) = 0.0;
    /// ψ: μ_t = β1·(1 − ½·0.96^(t·ψ)).
    XGRAD_ARG(double, momentum_decay) = 4e-3;
    XGRAD_ARG(bool, maximize) = false;

public:
    void validate() const;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr());
        fn("betas.0", self.betas()[0]);
        fn("betas.1", self.betas()[1]);
        fn("eps", self.eps());
        fn("weight_decay", self.weight_decay());
        fn("momentum_decay", self.momentum_decay());
        fn("maximize", self.maximize());
    }
};

/// NAdam's state per parameter: step count, the product μ_1···μ_t, first and second moments.
struct NAdamState {
    std::int64_t step = 0;
    double mu_product = 1.0;
    Tensor exp_avg;
    Tensor exp_avg_sq;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("mu_product", self.mu_product);
        fn("exp_avg", self.exp_avg);
        fn("exp_avg_sq", self.exp_avg_sq);
    }
};

/// torch.optim.NAdam. With g = ∇L (+ λθ), t the step count, Π_t = μ_1···μ_t:
///     m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  d = √(v/(1 − β2^t)) + ε
///     θ ← θ − lr·(1 − μ_t)/(1 − Π_t) · g/d − lr·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/d
class NAdam : public Rule<NAdam, NAdamOptions, NAdamState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "NAdam";
    /// One update of one parameter (torch.optim's _single_tensor_nadam).
    template <class T>
    static void update_tensor(const NAdamOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, NAdamState& state);

protected:
    double* momentum_field(NAdamOptions& options) const override { return &options.betas()[0]; }
};

extern template class Rule<NAdam, NAdamOptions, NAdamState>;

}  // namespace xgrad::optim
