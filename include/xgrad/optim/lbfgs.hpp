#pragma once
/// \file lbfgs.hpp
/// L-BFGS, PyTorch's torch.optim.LBFGS (1.13) line for line: the two-loop recursion over a
/// limited history of steps and gradient changes, an optional strong-Wolfe line search, and the
/// closure protocol (each step() re-evaluates the function several times). Unlike the other
/// rules its state is global: the gradients of all parameters are gathered into one flat vector.
/// See docs/optimizers.md.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// Hyperparameters of LBFGS with PyTorch's defaults.
class LBFGSOptions {
public:
    /// The step length of a fixed step, the initial guess of the line search; the other options
    /// keep their defaults until set by name: `LBFGSOptions(1.0).line_search_fn("strong_wolfe")`.
    LBFGSOptions(double lr = 1.0) : lr_(lr) {}
    /// The former aggregate's positional spelling, `LBFGSOptions{lr, max_iter, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    LBFGSOptions(double lr, int max_iter, std::optional<int> max_eval = std::nullopt,
                 double tolerance_grad = 1e-7, double tolerance_change = 1e-9,
                 int history_size = 100, std::string line_search_fn = "")
        : LBFGSOptions(lr) {
        this->max_iter(max_iter)
            .max_eval(max_eval)
            .tolerance_grad(tolerance_grad)
            .tolerance_change(tolerance_change)
            .history_size(history_size)
            .line_search_fn(line_search_fn);
    }
    XGRAD_ARG(double, lr);
    /// Iterations per step() at most.
    XGRAD_ARG(int, max_iter) = 20;
    /// Closure evaluations per step() at most; unset means PyTorch's max_iter * 5 / 4.
    XGRAD_ARG(std::optional<int>, max_eval);
    /// step() stops when max |g| <= tolerance_grad.
    XGRAD_ARG(double, tolerance_grad) = 1e-7;
    /// step() stops when the step, the loss change or the directional derivative is this small.
    XGRAD_ARG(double, tolerance_change) = 1e-9;
    /// How many (s, y) pairs the inverse-Hessian approximation remembers.
    XGRAD_ARG(int, history_size) = 100;
    /// "" (PyTorch's None: a fixed step of length lr) or "strong_wolfe".
    XGRAD_ARG(std::string, line_search_fn);

public:
    /// Throws ValueError naming the hyperparameter and its value.
    void validate() const;
    /// max_eval, or its default max_iter * 5 / 4.
    int resolved_max_eval() const { return max_eval_ ? *max_eval_ : max_iter_ * 5 / 4; }
};

/// LBFGS's state, PyTorch's `state[params[0]]`: counters over all steps, the last direction d
/// and step length t, the history of steps s (old_stps) and gradient changes y (old_dirs) with
/// ro = 1/(yᵀs), the initial inverse-Hessian scale H_diag, and the previous flat gradient and
/// loss. Vectors are flat over all parameters, in double.
struct LBFGSState {
    std::int64_t func_evals = 0;
    std::int64_t n_iter = 0;
    /// Whether the fields below were set (false before the first iteration, as in PyTorch
    /// where they are missing from the state).
    bool has_direction = false;
    std::vector<double> d;
    double t = 0.0;
    std::vector<std::vector<double>> old_dirs;
    std::vector<std::vector<double>> old_stps;
    std::vector<double> ro;
    double H_diag = 1.0;
    std::vector<double> prev_flat_grad;
    double prev_loss = 0.0;
};

/// torch.optim.LBFGS. Per iteration, with g the flat gradient of all parameters:
///     first iteration: d = −g, t = min(1, 1/‖g‖₁)·lr
///     later: y = g − g_prev, s = t·d; if yᵀs > 1e-10 remember (s, y), H_diag = yᵀs / yᵀy;
///            d = −H g by the two-loop recursion from H₀ = H_diag·I, t = lr
///     θ ← θ + t·d   (t from the strong-Wolfe line search when line_search_fn = "strong_wolfe")
/// step(closure) calls the closure several times (up to max_eval) and returns the loss of the
/// first call; step() without a closure is a ValueError, as is a second parameter group.
/// Parameters of any dtype are updated; the algorithm's vectors and scalars are kept in double
/// (PyTorch computes them in the parameters' dtype, so float32 runs agree only to float32
/// rounding).
class LBFGS : public Optimizer {
public:
    static constexpr const char* kName = "LBFGS";

    /// One group of parameters (LBFGS supports no other).
    explicit LBFGS(std::vector<Tensor> params, const LBFGSOptions& options = LBFGSOptions());
    /// Accepts exactly one group; several are a ValueError, as in PyTorch.
    explicit LBFGS(std::vector<ParamGroup<LBFGSOptions>> groups,
                   const LBFGSOptions& defaults = LBFGSOptions());

    const char* name() const override { return kName; }
    /// Always a ValueError: LBFGS re-evaluates the function, so it needs step(closure).
    void step() override;
    /// One L-BFGS step (up to max_iter iterations, max_eval closure calls); returns the loss the
    /// first closure call returned. If a closure call throws, the parameters and the state are
    /// restored and the exception propagates.
    double step(const std::function<Tensor()>& closure) override;
    /// Always a ValueError: LBFGS supports one parameter group only.
    void add_param_group(std::vector<Tensor> params);

    /// The hyperparameters (max_eval resolved), writable.
    LBFGSOptions& options() { return group_.options; }
    const LBFGSOptions& options() const { return group_.options; }
    /// The global state (counters are zero and has_direction false before the first step).
    const LBFGSState& state() const { return state_; }

    std::size_t num_param_groups() const override { return 1; }
    const std::vector<Tensor>& params(std::size_t group) const override;
    double lr(std::size_t group = 0) const override;
    void set_lr(std::size_t group, double lr) override;
    using Optimizer::set_lr;
    std::optional<double> initial_lr(std::size_t group) const override;
    void set_initial_lr(std::size_t group, std::optional<double> initial_lr) override;
    bool has_momentum() const override { return false; }
    double momentum(std::size_t group) const override;
    void set_momentum(std::size_t group, double momentum) override;

    /// "type", "param_groups.0.params", "param_groups.0.<hyperparameter>" (PyTorch's names;
    /// line_search_fn "" for None), and the state under "state.0." (PyTorch keeps it on the
    /// first parameter): func_evals, n_iter, and once set "d.<i>", t, "old_dirs.<k>.<i>",
    /// "old_stps.<k>.<i>", "ro.<k>", history (the number of pairs), H_diag,
    /// "prev_flat_grad.<i>", prev_loss, all exact.
    StateDict state_dict() const override;
    /// Restores state_dict(); ValueError on a mismatch (a state of another rule, another
    /// number of parameters or elements), leaving the optimizer unchanged.
    void load_state_dict(const StateDict& state) override;

private:
    /// The body of step(closure), which restores parameters and state if it throws.
    double iterate(const std::function<Tensor()>& closure);
    ParamGroup<LBFGSOptions>& group_at(std::size_t group);
    const ParamGroup<LBFGSOptions>& group_at(std::size_t group) const;

    ParamGroup<LBFGSOptions> group_;
    LBFGSState state_;
};

}  // namespace xgrad::optim
