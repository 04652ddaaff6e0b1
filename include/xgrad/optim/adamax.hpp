#pragma once
/// \file adamax.hpp
/// Adamax: Adam with the second moment replaced by an exponentially weighted infinity norm.
/// PyTorch's torch.optim.Adamax, formula for formula. See docs/optimizers.md.

#include <array>
#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of Adamax with PyTorch's defaults.
class AdamaxOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `AdamaxOptions(0.1).betas(...)`.
    AdamaxOptions(double lr = 2e-3) : lr_(lr) {}
    /// The former aggregate's positional spelling, `AdamaxOptions{lr, betas, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    AdamaxOptions(double lr, DoublePair betas, double eps = 1e-8, double weight_decay = 0.0,
                  bool maximize = false)
        : AdamaxOptions(lr) {
        this->betas(betas).eps(eps).weight_decay(weight_decay).maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    XGRAD_ARG(DoublePair, betas) = {0.9, 0.999};
    /// Added to |g| inside the maximum.
    XGRAD_ARG(double, eps) = 1e-8;
    XGRAD_ARG(double, weight_decay) = 0.0;
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
        fn("maximize", self.maximize());
    }
};

/// Adamax's state per parameter: step count, first moment, infinity norm.
struct AdamaxState {
    std::int64_t step = 0;
    Tensor exp_avg;
    Tensor exp_inf;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("exp_avg", self.exp_avg);
        fn("exp_inf", self.exp_inf);
    }
};

/// torch.optim.Adamax. With g = ∇L (+ λθ), t the step count:
///     m ← β1·m + (1 − β1)·g;  u ← max(β2·u, |g| + ε);  θ ← θ − lr/(1 − β1^t) · m/u
class Adamax : public Rule<Adamax, AdamaxOptions, AdamaxState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "Adamax";
    /// One update of one parameter (torch.optim's _single_tensor_adamax).
    template <class T>
    static void update_tensor(const AdamaxOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, AdamaxState& state);

protected:
    double* momentum_field(AdamaxOptions& options) const override { return &options.betas()[0]; }
};

extern template class Rule<Adamax, AdamaxOptions, AdamaxState>;

}  // namespace xgrad::optim
