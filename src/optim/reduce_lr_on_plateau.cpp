#include "xgrad/optim/reduce_lr_on_plateau.hpp"

#include <algorithm>
#include <limits>

#include "xgrad/state_fields.hpp"

namespace xgrad::optim {
namespace {
constexpr const char* kName = "ReduceLROnPlateau";
}  // namespace

namespace {
/// The constructor's checks, also applied to a loaded state: a checkpoint must not bring back
/// settings the constructor refuses.
void check_options(const ReduceLROnPlateauOptions& options) {
    detail::require(options.factor() >= 0.0 && options.factor() < 1.0, kName, "factor",
                    options.factor(), "in [0, 1)");
    detail::require(options.patience() >= 0, kName, "patience", options.patience(), ">= 0");
    detail::require(options.cooldown() >= 0, kName, "cooldown", options.cooldown(), ">= 0");
    detail::require_non_negative(kName, "threshold", options.threshold());
    detail::require_non_negative(kName, "eps", options.eps());
}
}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options)
    : optimizer_(optimizer), options_(options) {
    const std::size_t groups = optimizer.num_param_groups();
    check_options(options);
    if (options.min_lr().size() == 1)
        min_lrs_.assign(groups, options.min_lr()[0]);
    else if (options.min_lr().size() == groups)
        min_lrs_ = options.min_lr();
    else
        throw ValueError(std::string(kName) + ": expected 1 or " + std::to_string(groups) +
                         " min_lr values, got " + std::to_string(options.min_lr().size()));
    for (double min_lr : min_lrs_) detail::require_non_negative(kName, "min_lr", min_lr);
    best_ = options.mode() == PlateauMode::Min ? std::numeric_limits<double>::infinity()
                                               : -std::numeric_limits<double>::infinity();
    last_lr_ = group_lrs();
}

bool ReduceLROnPlateau::is_better(double metric, double best) const {
    const double t = options_.threshold();
    if (options_.threshold_mode() == ThresholdMode::Abs)
        return options_.mode() == PlateauMode::Min ? metric < best - t : metric > best + t;
    // PyTorch: best·(1 − t) (min) or best·(1 + t) (max); for a negative best those factors move
    // the bar the wrong way, so they swap there.
    const bool shrink = (options_.mode() == PlateauMode::Min) == (best >= 0);
    const double bar = best * (shrink ? 1. - t : t + 1.);
    return options_.mode() == PlateauMode::Min ? metric < bar : metric > bar;
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
    if (num_bad_epochs_ > options_.patience()) {
        reduce_lr();
        cooldown_counter_ = options_.cooldown();
        num_bad_epochs_ = 0;
    }
    last_lr_ = group_lrs();
}

void ReduceLROnPlateau::reduce_lr() {
    for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g) {
        const double old_lr = optimizer_.lr(g);
        const double new_lr = std::max(old_lr * options_.factor(), min_lrs_[g]);
        if (old_lr - new_lr > options_.eps()) optimizer_.set_lr(g, new_lr);
    }
}

std::vector<double> ReduceLROnPlateau::group_lrs() const {
    std::vector<double> lrs;
    for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g) lrs.push_back(optimizer_.lr(g));
    return lrs;
}

void ReduceLROnPlateau::visit(FieldVisitor& fn) {
    const auto choice = [&](const char* key, bool& first_value, const char* first,
                            const char* second) {
        std::string text = first_value ? first : second;
        fn(key, text);
        if (text != first && text != second)
            throw ValueError(std::string(kName) + ".load_state_dict: unknown " + key + " '" + text +
                             "'");
        first_value = text == first;
    };
    bool min_mode = options_.mode() == PlateauMode::Min;
    choice("mode", min_mode, "min", "max");
    options_.mode(min_mode ? PlateauMode::Min : PlateauMode::Max);
    fn("factor", options_.factor());
    fn("patience", options_.patience());
    fn("threshold", options_.threshold());
    bool relative = options_.threshold_mode() == ThresholdMode::Rel;
    choice("threshold_mode", relative, "rel", "abs");
    options_.threshold_mode(relative ? ThresholdMode::Rel : ThresholdMode::Abs);
    fn("cooldown", options_.cooldown());
    fn("eps", options_.eps());
    fn("min_lrs", min_lrs_);
    fn("best", best_);
    fn("num_bad_epochs", num_bad_epochs_);
    fn("cooldown_counter", cooldown_counter_);
    fn("last_epoch", last_epoch_);
}

StateDict ReduceLROnPlateau::state_dict() const {
    StateDict out;
    out.metadata["type"] = kName;
    FieldSaver saver(out, "");
    // visit() takes its fields by reference for loading too; a FieldSaver only reads them.
    const_cast<ReduceLROnPlateau&>(*this).visit(saver);
    saver("last_lr", last_lr_);
    return out;
}

void ReduceLROnPlateau::load_fields(const StateDict& in) {
    FieldLoader loader(in, "", kName);
    visit(loader);
    std::vector<double> last_lr(optimizer_.num_param_groups());
    loader("last_lr", last_lr);
    options_.min_lr(min_lrs_);
    check_options(options_);
    for (double min_lr : min_lrs_) detail::require_non_negative(kName, "min_lr", min_lr);
    for (std::size_t g = 0; g < last_lr.size(); ++g) optimizer_.set_lr(g, last_lr[g]);
    last_lr_ = group_lrs();
}

// A failed load restores the state from before it: a bad checkpoint changes nothing.
void ReduceLROnPlateau::load_state_dict(const StateDict& in) {
    const std::string& type = xgrad::detail::required_entry(in, "type", kName);
    if (type != kName)
        throw ValueError(std::string(kName) + ".load_state_dict: the state was saved by " + type);
    const StateDict before = state_dict();
    try {
        load_fields(in);
    } catch (...) {
        load_fields(before);
        throw;
    }
}

}  // namespace xgrad::optim
