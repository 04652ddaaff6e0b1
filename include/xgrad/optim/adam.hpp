#pragma once
/// \file adam.hpp
/// Adam (with coupled L2 weight decay) and AdamW (with decoupled weight decay), both optionally
/// AMSGrad: PyTorch's torch.optim.Adam and torch.optim.AdamW, formula for formula. See
/// docs/optimizers.md.

#include <array>
#include <cstdint>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of Adam with PyTorch's defaults.
class AdamOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `AdamOptions(0.1).betas(...)`.
    AdamOptions(double lr = 1e-3) : lr_(lr) {}
    /// The former aggregate's positional spelling, `AdamOptions{lr, betas, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    AdamOptions(double lr, DoublePair betas, double eps = 1e-8, double weight_decay = 0.0,
                bool amsgrad = false, bool maximize = false)
        : AdamOptions(lr) {
        this->betas(betas).eps(eps).weight_decay(weight_decay).amsgrad(amsgrad).maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    /// β1, β2: decay of the running averages of g and g².
    XGRAD_ARG(DoublePair, betas) = {0.9, 0.999};
    /// Added to the bias-corrected √v, outside the square root.
    XGRAD_ARG(double, eps) = 1e-8;
    /// λ: L2 penalty added to the gradient (g + λθ) before the moments: "coupled".
    XGRAD_ARG(double, weight_decay) = 0.0;
    /// Normalise by the largest v seen so far (AMSGrad).
    XGRAD_ARG(bool, amsgrad) = false;
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
        fn("amsgrad", self.amsgrad());
        fn("maximize", self.maximize());
    }
};

/// Hyperparameters of AdamW: Adam's, with decoupled weight decay (default 1e-2).
class AdamWOptions {
public:
    /// The learning rate; the other options keep their defaults until set by name:
    /// `AdamWOptions(0.1).betas(...)`.
    AdamWOptions(double lr = 1e-3) : lr_(lr) {}
    /// The former aggregate's positional spelling, `AdamWOptions{lr, betas, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    AdamWOptions(double lr, DoublePair betas, double eps = 1e-8, double weight_decay = 1e-2,
                 bool amsgrad = false, bool maximize = false)
        : AdamWOptions(lr) {
        this->betas(betas).eps(eps).weight_decay(weight_decay).amsgrad(amsgrad).maximize(maximize);
    }
    XGRAD_ARG(double, lr);
    XGRAD_ARG(DoublePair, betas) = {0.9, 0.999};
    XGRAD_ARG(double, eps) = 1e-8;
    /// λ: θ ← θ·(1 − lr·λ) before the Adam step: "decoupled" from the gradient.
    XGRAD_ARG(double, weight_decay) = 1e-2;
    XGRAD_ARG(bool, amsgrad) = false;
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
        fn("amsgrad", self.amsgrad());
        fn("maximize", self.maximize());
    }
};

/// State of Adam and AdamW per parameter: step count, first and second moments, and the
/// running maximum of the second moment (AMSGrad only).
struct AdamState {
    std::int64_t step = 0;
    Tensor exp_avg;
    Tensor exp_avg_sq;
    Tensor max_exp_avg_sq;
    template <class Self, class Fn>
    static void visit(Self& self, Fn&& fn) {
        fn("step", self.step);
        fn("exp_avg", self.exp_avg);
        fn("exp_avg_sq", self.exp_avg_sq);
        fn("max_exp_avg_sq", self.max_exp_avg_sq);
    }
};

/// torch.optim.Adam. With g = ∇L (+ λθ), t the step count:
///     m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²  (AMSGrad: v̂ ← max(v̂, v), used for v)
///     θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
class Adam : public Rule<Adam, AdamOptions, AdamState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "Adam";
    /// One update of one parameter (torch.optim's _single_tensor_adam).
    template <class T>
    static void update_tensor(const AdamOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, AdamState& state);

protected:
    double* momentum_field(AdamOptions& options) const override { return &options.betas()[0]; }
};

/// torch.optim.AdamW: θ ← θ·(1 − lr·λ), then Adam's step without the L2 term.
class AdamW : public Rule<AdamW, AdamWOptions, AdamState> {
public:
    using Rule::Rule;
    static constexpr const char* kName = "AdamW";
    /// One update of one parameter (torch.optim's _single_tensor_adamw).
    template <class T>
    static void update_tensor(const AdamWOptions& options, xt::xarray<T>& param,
                              const xt::xarray<T>& grad, AdamState& state);

protected:
    double* momentum_field(AdamWOptions& options) const override { return &options.betas()[0]; }
};

extern template class Rule<Adam, AdamOptions, AdamState>;
extern template class Rule<AdamW, AdamWOptions, AdamState>;

}  // namespace xgrad::optim
