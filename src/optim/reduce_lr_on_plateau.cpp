#include "xgrad/optim/reduce_lr_on_plateau.hpp"

#include <algorithm>
#include <limits>

#include "optim/scheduler_util.hpp"

namespace xgrad::optim {
namespace {
constexpr const char* kName = "ReduceLROnPlateau";
}  // namespace

namespace {
/// The constructor's checks, also applied to a loaded state: a checkpoint must not bring back
/// settings the constructor refuses.
void check_options(const ReduceLROnPlateauOptions& options) {
    detail::require(options.factor >= 0.0 && options.factor < 1.0, kName, "factor", options.factor,
                    "in [0, 1)");
    detail::require(options.patience >= 0, kName, "patience", options.patience, ">= 0");
    detail::require(options.cooldown >= 0, kName, "cooldown", options.cooldown, ">= 0");
    detail::require_non_negative(kName, "threshold", options.threshold);
    detail::require_non_negative(kName, "eps", options.eps);
}
}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options)
    : optimizer_(optimizer), options_(options) {
    const std::size_t groups = optimizer.num_param_groups();
    check_options(options);
    if (options.min_lr.size() == 1)
        min_lrs_.assign(groups, options.min_lr[0]);
    else if (options.min_lr.size() == groups)
        min_lrs_ = options.min_lr;
    else
        throw ValueError(std::string(kName) + ": expected 1 or " + std::to_string(groups) +
                         " min_lr values, got " + std::to_string(options.min_lr.size()));
    for (double min_lr : min_lrs_) detail::require_non_negative(kName, "min_lr", min_lr);
    best_ = options.mode == PlateauMode::Min ? std::numeric_limits<double>::infinity()
                                             : -std::numeric_limits<double>::infinity();
    last_lr_ = group_lrs();
}

bool ReduceLROnPlateau::is_better(double metric, double best) const {
    const double t = options_.threshold;
    if (options_.threshold_mode == ThresholdMode::Abs)
        return options_.mode == PlateauMode::Min ? metric < best - t : metric > best + t;
    // PyTorch: best·(1 − t) (min) or best·(1 + t) (max); for a negative best those factors move
    // the bar the wrong way, so they swap there.
    const bool shrink = (options_.mode == PlateauMode::Min) == (best >= 0);
    const double bar = best * (shrink ? 1. - t : t + 1.);
    return options_.mode == PlateauMode::Min ? metric < bar : metric > bar;
}

void ReduceLROnPlateau::step(double metric) {
    last_epoch_ += 1;
    if (is_better(metric, best_)) {
        best_ = metric;
        num_bad_epochs_ = 0;
    } else {
        num_bad_epochs_ += 1;
    }
    if (in_cooldown()) {
        cooldown_counter_ -= 1;
        num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
    }
    if (num_bad_epochs_ > options_.patience) {
        reduce_lr();
        cooldown_counter_ = options_.cooldown;
        num_bad_epochs_ = 0;
    }
    last_lr_ = group_lrs();
}

void ReduceLROnPlateau::reduce_lr() {
    for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g) {
        const double old_lr = optimizer_.lr(g);
        const double new_lr = std::max(old_lr * options_.factor, min_lrs_[g]);
        if (old_lr - new_lr > options_.eps) optimizer_.set_lr(g, new_lr);
    }
}

std::vector<double> ReduceLROnPlateau::group_lrs() const {
    std::vector<double> lrs;
    for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g) lrs.push_back(optimizer_.lr(g));
    return lrs;
}

StateDict ReduceLROnPlateau::state_dict() const {
    StateDict out;
    auto& m = out.metadata;
    m["type"] = kName;
    m["mode"] = options_.mode == PlateauMode::Min ? "min" : "max";
    m["factor"] = detail::number_text(options_.factor);
    m["patience"] = std::to_string(options_.patience);
    m["threshold"] = detail::number_text(options_.threshold);
    m["threshold_mode"] = options_.threshold_mode == ThresholdMode::Rel ? "rel" : "abs";
    m["cooldown"] = std::to_string(options_.cooldown);
    m["eps"] = detail::number_text(options_.eps);
    detail::save_list(out, "min_lrs", min_lrs_);
    m["best"] = detail::number_text(best_);
    m["num_bad_epochs"] = std::to_string(num_bad_epochs_);
    m["cooldown_counter"] = std::to_string(cooldown_counter_);
    m["last_epoch"] = std::to_string(last_epoch_);
    detail::save_list(out, "last_lr", last_lr_);
    return out;
}

void ReduceLROnPlateau::load_state_dict(const StateDict& in) {
    const std::string& type = detail::required_entry(in, "type", kName);
    if (type != kName)
        throw ValueError(std::string(kName) + ".load_state_dict: the state was saved by " + type);
    const auto choice = [&](const char* key, const char* first, const char* second) {
        const std::string& text = detail::required_entry(in, key, kName);
        if (text != first && text != second)
            throw ValueError(std::string(kName) + ".load_state_dict: unknown " + key + " '" + text +
                             "'");
        return text == first;
    };
    ReduceLROnPlateauOptions o;
    o.mode = choice("mode", "min", "max") ? PlateauMode::Min : PlateauMode::Max;
    o.factor = detail::load_number(in, "factor", kName);
    o.patience = detail::load_int(in, "patience", kName);
    o.threshold = detail::load_number(in, "threshold", kName);
    o.threshold_mode =
        choice("threshold_mode", "rel", "abs") ? ThresholdMode::Rel : ThresholdMode::Abs;
    o.cooldown = detail::load_int(in, "cooldown", kName);
    o.eps = detail::load_number(in, "eps", kName);
    const std::size_t groups = optimizer_.num_param_groups();
    auto min_lrs = detail::load_list(in, "min_lrs", groups, kName);
    const double best = detail::load_number(in, "best", kName);
    const int bad = detail::load_int(in, "num_bad_epochs", kName);
    const int cooldown_counter = detail::load_int(in, "cooldown_counter", kName);
    const int last_epoch = detail::load_int(in, "last_epoch", kName);
    const auto last_lr = detail::load_list(in, "last_lr", groups, kName);
    o.min_lr = min_lrs;
    check_options(o);
    for (double min_lr : min_lrs) detail::require_non_negative(kName, "min_lr", min_lr);
    options_ = o;
    min_lrs_ = std::move(min_lrs);
    best_ = best;
    num_bad_epochs_ = bad;
    cooldown_counter_ = cooldown_counter;
    last_epoch_ = last_epoch;
    for (std::size_t g = 0; g < groups; ++g) optimizer_.set_lr(g, last_lr[g]);
    last_lr_ = group_lrs();
}

}  // namespace xgrad::optim
