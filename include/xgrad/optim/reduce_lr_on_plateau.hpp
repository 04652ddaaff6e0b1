#pragma once
/// \file reduce_lr_on_plateau.hpp
/// ReduceLROnPlateau: divides the lr when a monitored metric (validation loss, accuracy) has
/// stopped improving, as PyTorch's torch.optim.lr_scheduler.ReduceLROnPlateau, with one fix: in
/// relative mode the threshold is taken on |best|, so that an unchanged (or slightly worse)
/// negative metric is not counted as an improvement (PyTorch issue #47513). For metrics >= 0
/// the decisions are PyTorch's exactly.
///
///     ReduceLROnPlateau plateau(opt, {PlateauMode::Min, 0.5, 3});
///     for (int epoch = 0; epoch < epochs; ++epoch) {
///         train_one_epoch(opt);
///         plateau.step(validation_loss());
///     }

#include <vector>

#include "xgrad/optim/optimizer.hpp"
#include "xgrad/state_dict.hpp"
#include "xgrad/state_fields.hpp"

namespace xgrad::optim {

/// Whether the metric should go down (a loss) or up (an accuracy).
enum class PlateauMode { Min, Max };
/// Rel: improving means beating best by threshold·|best|; Abs: by threshold.
enum class ThresholdMode { Rel, Abs };

/// ReduceLROnPlateau's settings with PyTorch's defaults.
class ReduceLROnPlateauOptions {
public:
    /// The other options keep their defaults until set by name:
    /// `ReduceLROnPlateauOptions(...).factor(...)`.
    ReduceLROnPlateauOptions(PlateauMode mode = PlateauMode::Min) : mode_(mode) {}
    /// The former aggregate's positional spelling, `ReduceLROnPlateauOptions{mode, factor, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    ReduceLROnPlateauOptions(PlateauMode mode, double factor, int patience = 10,
                             double threshold = 1e-4,
                             ThresholdMode threshold_mode = ThresholdMode::Rel, int cooldown = 0,
                             std::vector<double> min_lr = std::vector<double>{0.0},
                             double eps = 1e-8)
        : ReduceLROnPlateauOptions(mode) {
        this->factor(factor)
            .patience(patience)
            .threshold(threshold)
            .threshold_mode(threshold_mode)
            .cooldown(cooldown)
            .min_lr(min_lr)
            .eps(eps);
    }
    XGRAD_ARG(PlateauMode, mode);
    /// new_lr = max(lr · factor, min_lr); in [0, 1).
    XGRAD_ARG(double, factor) = 0.1;
    /// Epochs without improvement tolerated; the lr drops on the next one.
    XGRAD_ARG(int, patience) = 10;
    XGRAD_ARG(double, threshold) = 1e-4;
    XGRAD_ARG(ThresholdMode, threshold_mode) = ThresholdMode::Rel;
    /// Epochs after a reduction during which bad epochs are not counted.
    XGRAD_ARG(int, cooldown) = 0;
    /// Lower bound of the lr: one value for every group, or one per group.
    XGRAD_ARG(std::vector<double>, min_lr) = {0.0};
    /// A reduction smaller than eps is skipped.
    XGRAD_ARG(double, eps) = 1e-8;
};

class ReduceLROnPlateau {
public:
    explicit ReduceLROnPlateau(
        Optimizer& optimizer, const ReduceLROnPlateauOptions& options = ReduceLROnPlateauOptions());
    ReduceLROnPlateau(const ReduceLROnPlateau&) = delete;
    ReduceLROnPlateau& operator=(const ReduceLROnPlateau&) = delete;

    /// Records one epoch's metric and reduces the lr after more than `patience` bad epochs.
    void step(double metric);

    /// Whether `metric` improves on `best` under the mode and threshold.
    bool is_better(double metric, double best) const;
    double best() const { return best_; }
    int num_bad_epochs() const { return num_bad_epochs_; }
    bool in_cooldown() const { return cooldown_counter_ > 0; }
    int last_epoch() const { return last_epoch_; }
    /// The groups' lrs after the last step().
    const std::vector<double>& last_lr() const { return last_lr_; }

    /// "type", the settings, "best", "num_bad_epochs", "cooldown_counter", "last_epoch",
    /// "last_lr.<g>".
    StateDict state_dict() const;
    /// Restores state_dict() and sets the groups' lr to the restored last_lr().
    void load_state_dict(const StateDict& state);

private:
    /// Calls `fn(name, field)` for the settings and the progress (not last_lr).
    void visit(FieldVisitor& fn);
    void load_fields(const StateDict& in);
    void reduce_lr();
    std::vector<double> group_lrs() const;

    Optimizer& optimizer_;
    ReduceLROnPlateauOptions options_;
    std::vector<double> min_lrs_;
    double best_;
    int num_bad_epochs_ = 0;
    int cooldown_counter_ = 0;
    int last_epoch_ = 0;
    std::vector<double> last_lr_;
};

}  // namespace xgrad::optim
