#pragma once
/// \file lr_scheduler.hpp
/// Learning-rate schedules: objects that set the lr of an optimizer's groups once per epoch (or
/// per iteration), with the values of PyTorch's torch.optim.lr_scheduler step by step.
///
/// Protocol, as in PyTorch: constructing a schedule applies epoch 0; then every epoch, train with
/// the current lr and call `scheduler.step()` after `optimizer.step()`:
///
///     SGD opt(params, {0.1, 0.9});
///     StepLR schedule(opt, 30, 0.1);
///     for (int epoch = 0; epoch < 90; ++epoch) {
///         train_one_epoch(opt);   // uses opt.lr()
///         schedule.step();
///     }
///
/// The first schedule attached to an optimizer records each group's lr as its `initial_lr`
/// (saved with the optimizer's state); every schedule starts from those `base_lrs`.
/// ReduceLROnPlateau (reduce_lr_on_plateau.hpp) reacts to a metric instead.

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "xgrad/optim/optimizer.hpp"
#include "xgrad/state_dict.hpp"
#include "xgrad/state_fields.hpp"

namespace xgrad::optim {

/// The base of epoch-driven schedules (PyTorch's _LRScheduler). Not copyable: it keeps a
/// reference to its optimizer, which must outlive it.
class LRScheduler : public Stateful {
public:
    LRScheduler(const LRScheduler&) = delete;
    LRScheduler& operator=(const LRScheduler&) = delete;
    virtual ~LRScheduler() = default;

    /// PyTorch's class name ("StepLR", ...).
    virtual const char* name() const = 0;

    /// Advances one epoch and sets the lr of every group.
    virtual void step();

    /// The lrs the last step() set, one per group (PyTorch's get_last_lr()).
    const std::vector<double>& last_lr() const { return last_lr_; }
    /// The lrs the schedule starts from (the groups' initial_lr).
    const std::vector<double>& base_lrs() const { return base_lrs_; }
    /// Epochs stepped since construction (0 right after it).
    int last_epoch() const { return last_epoch_; }
    Optimizer& optimizer() const { return optimizer_; }

    /// The schedule's progress and hyperparameters: "type", "last_epoch", "step_count",
    /// "base_lrs.<g>", "last_lr.<g>" and each schedule's own entries. Save it next to the
    /// optimizer's state (StateDict::merge with prefixes) to resume a run.
    StateDict state_dict() const override;
    /// Restores state_dict() into a schedule of the same kind on the same optimizer, and sets
    /// the groups' lr to the restored last_lr(), so a resumed run continues identically whether
    /// the optimizer's state is loaded before or after the schedule is built.
    void load_state_dict(const StateDict& state) override;

protected:
    explicit LRScheduler(Optimizer& optimizer);

    /// What the end of PyTorch's constructor does: records each group's initial_lr (unless a
    /// schedule did already), reads base_lrs from them and applies epoch 0. Every concrete
    /// schedule calls it at the end of its constructor (virtual calls are not possible earlier).
    void initialize();

    /// The lrs of epoch last_epoch_, in PyTorch's (often recursive) form from the current lrs.
    virtual std::vector<double> get_lr() = 0;
    /// The lrs of epoch last_epoch_ directly from base_lrs_, when the schedule has that form;
    /// used when a schedule jumps to an epoch (SequentialLR restarting one at its milestone).
    virtual std::optional<std::vector<double>> closed_form_lr() const { return std::nullopt; }
    /// Jumps to `epoch` (PyTorch's deprecated step(epoch)): closed form if any, else get_lr().
    void step_to(int epoch);

    /// Calls `fn(name, field)` for each of the schedule's own settings and state (the base's
    /// fields are visited by state_dict() and load_state_dict() themselves).
    virtual void visit(FieldVisitor& fn) { (void)fn; }
    /// The constructor's checks, applied again to a loaded state: throws ValueError.
    virtual void validate() const {}
    /// Called at the end of load_state_dict(), after the lrs are restored: a schedule that sets
    /// more than the lr (OneCycleLR's momentum) restores it here.
    virtual void after_load() {}

    /// The current lr of every group.
    std::vector<double> group_lrs() const;
    void apply(const std::vector<double>& lrs);

    Optimizer& optimizer_;
    std::vector<double> base_lrs_;
    int last_epoch_ = -1;
    int step_count_ = 0;
    std::vector<double> last_lr_;

    friend class SequentialLR;

private:
    /// Every field, the base's and visit()'s, from `in`; then validate() and the lrs.
    void load_fields(const StateDict& in);
};

/// lr_t = base_lr · γ^⌊t / step_size⌋ (PyTorch's StepLR).
class StepLR : public LRScheduler {
public:
    StepLR(Optimizer& optimizer, int step_size, double gamma = 0.1);
    const char* name() const override { return "StepLR"; }

protected:
    std::vector<double> get_lr() override;
    std::optional<std::vector<double>> closed_form_lr() const override;
    void visit(FieldVisitor& fn) override;
    void validate() const override;

private:
    int step_size_;
    double gamma_;
};

/// lr_t = base_lr · γ^(number of milestones ≤ t); a milestone listed twice counts twice
/// (PyTorch's MultiStepLR).
class MultiStepLR : public LRScheduler {
public:
    MultiStepLR(Optimizer& optimizer, std::vector<int> milestones, double gamma = 0.1);
    const char* name() const override { return "MultiStepLR"; }

protected:
    std::vector<double> get_lr() override;
    std::optional<std::vector<double>> closed_form_lr() const override;
    void visit(FieldVisitor& fn) override;

private:
    std::vector<int> milestones_;  // sorted
    double gamma_;
};

/// lr_t = base_lr · γ^t, computed as PyTorch does: lr_t = lr_{t−1} · γ (ExponentialLR).
class ExponentialLR : public LRScheduler {
public:
    ExponentialLR(Optimizer& optimizer, double gamma);
    const char* name() const override { return "ExponentialLR"; }

protected:
    std::vector<double> get_lr() override;
    std::optional<std::vector<double>> closed_form_lr() const override;
    void visit(FieldVisitor& fn) override;

private:
    double gamma_;
};

/// Inverse-time decay lr_t = lr_0 / (1 + k·t), computed as base_lr · (1 / (1 + k·t)): the same
/// values as PyTorch's LambdaLR(optimizer, lambda t: 1 / (1 + k*t)), bit for bit.
class InverseTimeLR : public LRScheduler {
public:
    InverseTimeLR(Optimizer& optimizer, double decay_rate);
    const char* name() const override { return "InverseTimeLR"; }

protected:
    std::vector<double> get_lr() override;
    std::optional<std::vector<double>> closed_form_lr() const override;
    void visit(FieldVisitor& fn) override;
    void validate() const override;

private:
    double decay_rate_;
};

/// lr_t = base_lr · f(t) with a user function f, one for all groups or one per group
/// (PyTorch's LambdaLR). The functions are not saved in the state dict (PyTorch cannot save
/// lambdas either): rebuild the schedule with them, then load its state.
class LambdaLR : public LRScheduler {
public:
    using Lambda = std::function<double(int)>;
    LambdaLR(Optimizer& optimizer, Lambda lr_lambda);
    LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas);
    const char* name() const override { return "LambdaLR"; }

protected:
    std::vector<double> get_lr() override;

private:
    std::vector<Lambda> lambdas_;
};

/// Linear change of the lr factor from start_factor to end_factor over total_iters epochs, then
/// constant: lr_t = base_lr · (s + (e − s) · min(t, T) / T) (PyTorch's LinearLR, computed in its
/// recursive form). The usual warm-up: LinearLR(opt, 0.01, 1.0, warmup_epochs).
class LinearLR : public LRScheduler {
public:
    LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0,
             int total_iters = 5);
    const char* name() const override { return "LinearLR"; }

protected:
    std::vector<double> get_lr() override;
    std::optional<std::vector<double>> closed_form_lr() const override;
    void visit(FieldVisitor& fn) override;
    void validate() const override;

private:
    double start_factor_;
    double end_factor_;
    int total_iters_;
};

/// lr_t = η_min + (base_lr − η_min) · (1 + cos(π t / T_max)) / 2, in PyTorch's recursive form
/// (equal to that closed form up to rounding). Past T_max the lr rises again: the curve is
/// periodic with period 2·T_max, as in PyTorch (CosineAnnealingLR).
class CosineAnnealingLR : public LRScheduler {
public:
    CosineAnnealingLR(Optimizer& optimizer, int t_max, double eta_min = 0.0);
    const char* name() const override { return "CosineAnnealingLR"; }

protected:
    std::vector<double> get_lr() override;
    std::optional<std::vector<double>> closed_form_lr() const override;
    void visit(FieldVisitor& fn) override;
    void validate() const override;

private:
    int t_max_;
    double eta_min_;
};

/// Runs schedules one after another: schedules[i] from epoch milestones[i−1] on, restarted from
/// the base lrs at its milestone (PyTorch's SequentialLR). Warm-up then decay:
///
///     auto warmup = std::make_shared<LinearLR>(opt, 0.1, 1.0, 5);
///     auto decay = std::make_shared<CosineAnnealingLR>(opt, 95);
///     SequentialLR schedule(opt, {warmup, decay}, {5});
///
/// The schedules must drive the same optimizer and must not be stepped on their own.
class SequentialLR : public LRScheduler {
public:
    SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                 std::vector<int> milestones);
    const char* name() const override { return "SequentialLR"; }
    void step() override;

protected:
    /// Unused (step() delegates): the current lrs.
    std::vector<double> get_lr() override { return group_lrs(); }
    void visit(FieldVisitor& fn) override;

private:
    std::vector<std::shared_ptr<LRScheduler>> schedulers_;
    std::vector<int> milestones_;
};

/// How OneCycleLR interpolates within a phase.
enum class AnnealStrategy { Cos, Linear };

/// OneCycleLR's settings with PyTorch's defaults; total_steps is required.
class OneCycleLROptions {
public:
    /// The other options keep their defaults until set by name:
    /// `OneCycleLROptions(...).pct_start(...)`.
    OneCycleLROptions(int total_steps = 0) : total_steps_(total_steps) {}
    /// The former aggregate's positional spelling, `OneCycleLROptions{total_steps, pct_start,
    /// ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    OneCycleLROptions(int total_steps, double pct_start,
                      AnnealStrategy anneal_strategy = AnnealStrategy::Cos,
                      bool cycle_momentum = true, double base_momentum = 0.85,
                      double max_momentum = 0.95, double div_factor = 25.0,
                      double final_div_factor = 1e4, bool three_phase = false)
        : OneCycleLROptions(total_steps) {
        this->pct_start(pct_start)
            .anneal_strategy(anneal_strategy)
            .cycle_momentum(cycle_momentum)
            .base_momentum(base_momentum)
            .max_momentum(max_momentum)
            .div_factor(div_factor)
            .final_div_factor(final_div_factor)
            .three_phase(three_phase);
    }
    /// Number of step() calls in the whole cycle (epochs · batches per epoch).
    XGRAD_ARG(int, total_steps);
    /// Fraction of the cycle spent raising the lr.
    XGRAD_ARG(double, pct_start) = 0.3;
    XGRAD_ARG(AnnealStrategy, anneal_strategy) = AnnealStrategy::Cos;
    /// Cycle the momentum (SGD/RMSprop momentum, Adam-family β1) inversely to the lr.
    XGRAD_ARG(bool, cycle_momentum) = true;
    XGRAD_ARG(double, base_momentum) = 0.85;
    XGRAD_ARG(double, max_momentum) = 0.95;
    /// initial_lr = max_lr / div_factor.
    XGRAD_ARG(double, div_factor) = 25.0;
    /// min_lr = initial_lr / final_div_factor.
    XGRAD_ARG(double, final_div_factor) = 1e4;
    /// Three phases (up, down to initial_lr, down to min_lr) instead of two.
    XGRAD_ARG(bool, three_phase) = false;
};

/// The 1cycle policy (PyTorch's OneCycleLR): the lr rises from max_lr/div_factor to max_lr over
/// pct_start of the steps, then falls to initial_lr/final_div_factor, while the momentum does
/// the opposite. Step it after every batch. It overwrites the groups' initial_lr.
class OneCycleLR : public LRScheduler {
public:
    OneCycleLR(Optimizer& optimizer, double max_lr, const OneCycleLROptions& options);
    /// One max_lr per group.
    OneCycleLR(Optimizer& optimizer, std::vector<double> max_lrs, const OneCycleLROptions& options);
    const char* name() const override { return "OneCycleLR"; }

protected:
    /// Throws ValueError past total_steps.
    std::vector<double> get_lr() override;
    void visit(FieldVisitor& fn) override;
    void validate() const override;
    /// Sets the momentum of the restored step (the optimizer may have been loaded earlier and
    /// its momentum overwritten by this schedule's constructor).
    void after_load() override;

private:
    struct Phase {
        double end_step;
        int start_lr, end_lr;              // 0 initial_lr, 1 max_lr, 2 min_lr
        int start_momentum, end_momentum;  // 0 max_momentum, 1 base_momentum
    };
    double anneal(double start, double end, double pct) const;
    std::vector<Phase> phases() const;
    /// The lrs of step `step_num`; also sets the groups' momentum when cycling it.
    std::vector<double> evaluate(int step_num);

    OneCycleLROptions options_;
    std::vector<double> initial_lrs_, max_lrs_, min_lrs_;
};

}  // namespace xgrad::optim
