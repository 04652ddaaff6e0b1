#pragma once
/// \file radam.hpp
/// RAdam, Adam with the variance of its adaptive learning rate rectified (Liu et al., "On the
/// Variance of the Adaptive Learning Rate and Beyond", ICLR 2020): PyTorch's torch.optim.RAdam,
/// formula for formula. See docs/optimizers.md.

#include <array>
#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of RAdam with PyTorch's defaults.
class RAdamOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `RAdamOptions(0.1).betas(...)`.
    RAdamOptions(double lr = 1e-3) : lr_(lr) {}
    /// The former aggregate's positional spelling, `RAdamOptions{lr, betas, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    RAdamOptions(double lr, DoublePair betas, double eps = 1e-8, double weight_decay = 0.0)
        : RAdamOptions(lr) {
        this->betas(betas).eps(eps).weight_decay(weight_decay);
    }
    XGRAD_ARG(double, lr);
    /// β1, β2: decay of the running averages of g and g².
    XGRAD_ARG(DoublePair, betas) = {0.9, 0.999};
    /// Added to √v, outside the square root.
    XGRAD_ARG(double, eps) = 1e-8;
    /// λ: L2 penalty added to the gradient (g + λθ).
    XGRAD_ARG(double, weight_decay) = 0.0;

public:
    /// Throws ValueError naming the hyperparameter and its value.
    void validate() const;
    /// Calls `fn(name, field)` for every hyperparameter, with PyTorch's names.
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("lr", self.lr());
        fn("betas.0", self.betas()[0]);
        fn("betas.1", self.betas()[1]);
        fn("eps", self.eps());
        fn("weight_decay", self.weight_decay());
    }
};

/// RAdam's state per parameter: step count and the two moments.
struct RAdamState {
    std::int64_t step = 0;
    Tensor exp_avg;
    Tensor exp_avg_sq;
    /// Calls `fn(name, field)` for every field, with PyTorch's names.
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("exp_avg", self.exp_avg);
        fn("exp_avg_sq", self.exp_avg_sq);
    }
};

/// torch.optim.RAdam. With g = ∇L (+ λθ), t the step count, m and v Adam's moments:
///     ρ∞ = 2/(1 − β2) − 1;  ρt = ρ∞ − 2t·β2^t/(1 − β2^t)
///     ρt > 5: r = √((ρt − 4)(ρt − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρt)),
///             θ ← θ − lr · m/(1 − β1^t) · √(1 − β2^t)/(√v + ε) · r
///     else:   θ ← θ − lr · m/(1 − β1^t)   (SGD with momentum while the variance is untamed)
class RAdam : public Rule<RAdam, RAdamOptions, RAdamState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "RAdam";
    /// One update of one parameter (torch.optim's _single_tensor_radam).
    template <class T>
    static void update_tensor(const RAdamOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, RAdamState& state);

protected:
    double* momentum_field(RAdamOptions& options) const override { return &options.betas()[0]; }
};

extern template class Rule<RAdam, RAdamOptions, RAdamState>;

}  // namespace xgrad::optim
