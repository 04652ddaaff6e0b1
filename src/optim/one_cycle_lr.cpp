// OneCycleLR: PyTorch 1.13's phases and annealing formulas, expression for expression.
// The formulas round exactly as PyTorch's Python arithmetic does because src/optim is compiled
// without floating-point contraction (CMakeLists.txt).

#include <cmath>

#include "xgrad/optim/lr_scheduler.hpp"

namespace xgrad::optim {
namespace {
constexpr double pi = 3.141592653589793;  // Python's math.pi
enum { kInitialLr = 0, kMaxLr = 1, kMinLr = 2 };
enum { kMaxMomentum = 0, kBaseMomentum = 1 };
void check_options(const OneCycleLROptions& options) {
    detail::require(options.total_steps() > 0, "OneCycleLR", "total_steps", options.total_steps(),
                    "> 0");
    detail::require(options.pct_start() >= 0.0 && options.pct_start() <= 1.0, "OneCycleLR",
                    "pct_start", options.pct_start(), "in [0, 1]");
    detail::require(options.div_factor() > 0.0, "OneCycleLR", "div_factor", options.div_factor(),
                    "> 0");
    detail::require(options.final_div_factor() > 0.0, "OneCycleLR", "final_div_factor",
                    options.final_div_factor(), "> 0");
}
}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, double max_lr, const OneCycleLROptions& options)
    : OneCycleLR(optimizer, std::vector<double>(optimizer.num_param_groups(), max_lr), options) {}

OneCycleLR::OneCycleLR(Optimizer& optimizer, std::vector<double> max_lrs,
                       const OneCycleLROptions& options)
    : LRScheduler(optimizer), options_(options), max_lrs_(std::move(max_lrs)) {
    validate();
    if (max_lrs_.size() != optimizer.num_param_groups())
        throw ValueError("OneCycleLR: expected " + std::to_string(optimizer.num_param_groups()) +
                         " max_lr values (one per group), got " + std::to_string(max_lrs_.size()));
    if (options.cycle_momentum() && !optimizer.has_momentum())
        throw ValueError(std::string("OneCycleLR: cycle_momentum needs an optimizer with a "
                                     "momentum or betas; ") +
                         optimizer.name() + " has none (pass cycle_momentum = false)");
    for (std::size_t g = 0; g < max_lrs_.size(); ++g) {
        detail::require_non_negative("OneCycleLR", "max_lr", max_lrs_[g]);
        initial_lrs_.push_back(max_lrs_[g] / options.div_factor());
        min_lrs_.push_back(initial_lrs_[g] / options.final_div_factor());
        optimizer.set_initial_lr(g, initial_lrs_[g]);
        if (options.cycle_momentum()) optimizer.set_momentum(g, options.max_momentum());
    }
    initialize();
}

std::vector<OneCycleLR::Phase> OneCycleLR::phases() const {
    const double pct = options_.pct_start();
    const double total = options_.total_steps();
    if (options_.three_phase())
        return {{pct * total - 1, kInitialLr, kMaxLr, kMaxMomentum, kBaseMomentum},
                {2 * pct * total - 2, kMaxLr, kInitialLr, kBaseMomentum, kMaxMomentum},
                {total - 1, kInitialLr, kMinLr, kMaxMomentum, kMaxMomentum}};
    return {{pct * total - 1, kInitialLr, kMaxLr, kMaxMomentum, kBaseMomentum},
            {total - 1, kMaxLr, kMinLr, kBaseMomentum, kMaxMomentum}};
}

double OneCycleLR::anneal(double start, double end, double pct) const {
    if (options_.anneal_strategy() == AnnealStrategy::Linear) return (end - start) * pct + start;
    const double cos_out = std::cos(pi * pct) + 1;
    return end + (start - end) / 2.0 * cos_out;
}

std::vector<double> OneCycleLR::get_lr() {
    if (last_epoch_ > options_.total_steps())
        throw ValueError("OneCycleLR: tried to step " + std::to_string(last_epoch_ + 1) +
                         " times; total_steps is " + std::to_string(options_.total_steps()));
    return evaluate(last_epoch_);
}

void OneCycleLR::after_load() {
    if (options_.cycle_momentum()) evaluate(last_epoch_);
}

std::vector<double> OneCycleLR::evaluate(int step_num) {
    const std::vector<Phase> schedule = phases();
    std::vector<double> lrs;
    for (std::size_t g = 0; g < max_lrs_.size(); ++g) {
        const double lr_points[] = {initial_lrs_[g], max_lrs_[g], min_lrs_[g]};
        const double momentum_points[] = {options_.max_momentum(), options_.base_momentum()};
        double start_step = 0;
        for (std::size_t i = 0; i < schedule.size(); ++i) {
            const Phase& phase = schedule[i];
            if (step_num <= phase.end_step || i + 1 == schedule.size()) {
                const double pct = (step_num - start_step) / (phase.end_step - start_step);
                lrs.push_back(anneal(lr_points[phase.start_lr], lr_points[phase.end_lr], pct));
                if (options_.cycle_momentum())
                    optimizer_.set_momentum(g, anneal(momentum_points[phase.start_momentum],
                                                      momentum_points[phase.end_momentum], pct));
                break;
            }
            start_step = phase.end_step;
        }
    }
    return lrs;
}

// The constructor's checks, also applied to a loaded state (see StepLR in lr_scheduler.cpp).
void OneCycleLR::validate() const { check_options(options_); }

void OneCycleLR::visit(FieldVisitor& fn) {
    OneCycleLROptions& o = options_;
    fn("total_steps", o.total_steps());
    fn("pct_start", o.pct_start());
    std::string strategy = o.anneal_strategy() == AnnealStrategy::Cos ? "cos" : "linear";
    fn("anneal_strategy", strategy);
    if (strategy != "cos" && strategy != "linear")
        throw ValueError("OneCycleLR.load_state_dict: unknown anneal_strategy '" + strategy + "'");
    o.anneal_strategy(strategy == "cos" ? AnnealStrategy::Cos : AnnealStrategy::Linear);
    fn("cycle_momentum", o.cycle_momentum());
    fn("base_momentum", o.base_momentum());
    fn("max_momentum", o.max_momentum());
    fn("div_factor", o.div_factor());
    fn("final_div_factor", o.final_div_factor());
    fn("three_phase", o.three_phase());
    fn("initial_lrs", initial_lrs_);
    fn("max_lrs", max_lrs_);
    fn("min_lrs", min_lrs_);
}

}  // namespace xgrad::optim
