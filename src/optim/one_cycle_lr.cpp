// OneCycleLR: PyTorch 1.13's phases and annealing formulas, expression for expression.
// Before any include: no contraction of a*b + c into fused multiply-adds, so the recursive
// formulas round exactly as PyTorch's Python arithmetic does (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <cmath>

#include "optim/scheduler_util.hpp"
#include "xgrad/optim/lr_scheduler.hpp"

namespace xgrad::optim {
namespace {
constexpr double pi = 3.141592653589793;  // Python's math.pi
enum { kInitialLr = 0, kMaxLr = 1, kMinLr = 2 };
enum { kMaxMomentum = 0, kBaseMomentum = 1 };
/// The constructor's checks, also applied to a loaded state (see StepLR in lr_scheduler.cpp).
void check_options(const OneCycleLROptions& options) {
    detail::require(options.total_steps > 0, "OneCycleLR", "total_steps", options.total_steps,
                    "> 0");
    detail::require(options.pct_start >= 0.0 && options.pct_start <= 1.0, "OneCycleLR", "pct_start",
                    options.pct_start, "in [0, 1]");
    detail::require(options.div_factor > 0.0, "OneCycleLR", "div_factor", options.div_factor,
                    "> 0");
    detail::require(options.final_div_factor > 0.0, "OneCycleLR", "final_div_factor",
                    options.final_div_factor, "> 0");
}
}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, double max_lr, const OneCycleLROptions& options)
    : OneCycleLR(optimizer, std::vector<double>(optimizer.num_param_groups(), max_lr), options) {}

OneCycleLR::OneCycleLR(Optimizer& optimizer, std::vector<double> max_lrs,
                       const OneCycleLROptions& options)
    : LRScheduler(optimizer), options_(options), max_lrs_(std::move(max_lrs)) {
    check_options(options);
    if (max_lrs_.size() != optimizer.num_param_groups())
        throw ValueError("OneCycleLR: expected " + std::to_string(optimizer.num_param_groups()) +
                         " max_lr values (one per group), got " + std::to_string(max_lrs_.size()));
    if (options.cycle_momentum && !optimizer.has_momentum())
        throw ValueError(std::string("OneCycleLR: cycle_momentum needs an optimizer with a "
                                     "momentum or betas; ") +
                         optimizer.name() + " has none (pass cycle_momentum = false)");
    for (std::size_t g = 0; g < max_lrs_.size(); ++g) {
        detail::require_non_negative("OneCycleLR", "max_lr", max_lrs_[g]);
        initial_lrs_.push_back(max_lrs_[g] / options.div_factor);
        min_lrs_.push_back(initial_lrs_[g] / options.final_div_factor);
        optimizer.set_initial_lr(g, initial_lrs_[g]);
        if (options.cycle_momentum) optimizer.set_momentum(g, options.max_momentum);
    }
    initialize();
}

std::vector<OneCycleLR::Phase> OneCycleLR::phases() const {
    const double pct = options_.pct_start;
    const double total = options_.total_steps;
    if (options_.three_phase)
        return {{pct * total - 1, kInitialLr, kMaxLr, kMaxMomentum, kBaseMomentum},
                {2 * pct * total - 2, kMaxLr, kInitialLr, kBaseMomentum, kMaxMomentum},
                {total - 1, kInitialLr, kMinLr, kMaxMomentum, kMaxMomentum}};
    return {{pct * total - 1, kInitialLr, kMaxLr, kMaxMomentum, kBaseMomentum},
            {total - 1, kMaxLr, kMinLr, kBaseMomentum, kMaxMomentum}};
}

double OneCycleLR::anneal(double start, double end, double pct) const {
    if (options_.anneal_strategy == AnnealStrategy::Linear) return (end - start) * pct + start;
    const double cos_out = std::cos(pi * pct) + 1;
    return end + (start - end) / 2.0 * cos_out;
}

std::vector<double> OneCycleLR::get_lr() {
    if (last_epoch_ > options_.total_steps)
        throw ValueError("OneCycleLR: tried to step " + std::to_string(last_epoch_ + 1) +
                         " times; total_steps is " + std::to_string(options_.total_steps));
    return evaluate(last_epoch_);
}

void OneCycleLR::after_load() {
    if (options_.cycle_momentum) evaluate(last_epoch_);
}

std::vector<double> OneCycleLR::evaluate(int step_num) {
    const std::vector<Phase> schedule = phases();
    std::vector<double> lrs;
    for (std::size_t g = 0; g < max_lrs_.size(); ++g) {
        const double lr_points[] = {initial_lrs_[g], max_lrs_[g], min_lrs_[g]};
        const double momentum_points[] = {options_.max_momentum, options_.base_momentum};
        double start_step = 0;
        for (std::size_t i = 0; i < schedule.size(); ++i) {
            const Phase& phase = schedule[i];
            if (step_num <= phase.end_step || i + 1 == schedule.size()) {
                const double pct = (step_num - start_step) / (phase.end_step - start_step);
                lrs.push_back(anneal(lr_points[phase.start_lr], lr_points[phase.end_lr], pct));
                if (options_.cycle_momentum)
                    optimizer_.set_momentum(g, anneal(momentum_points[phase.start_momentum],
                                                      momentum_points[phase.end_momentum], pct));
                break;
            }
            start_step = phase.end_step;
        }
    }
    return lrs;
}

void OneCycleLR::save_extra(StateDict& out) const {
    auto& m = out.metadata;
    m["total_steps"] = std::to_string(options_.total_steps);
    m["pct_start"] = detail::number_text(options_.pct_start);
    m["anneal_strategy"] = options_.anneal_strategy == AnnealStrategy::Cos ? "cos" : "linear";
    m["cycle_momentum"] = detail::bool_text(options_.cycle_momentum);
    m["base_momentum"] = detail::number_text(options_.base_momentum);
    m["max_momentum"] = detail::number_text(options_.max_momentum);
    m["div_factor"] = detail::number_text(options_.div_factor);
    m["final_div_factor"] = detail::number_text(options_.final_div_factor);
    m["three_phase"] = detail::bool_text(options_.three_phase);
    detail::save_list(out, "initial_lrs", initial_lrs_);
    detail::save_list(out, "max_lrs", max_lrs_);
    detail::save_list(out, "min_lrs", min_lrs_);
}

void OneCycleLR::load_extra(const StateDict& in) {
    OneCycleLROptions o;
    o.total_steps = detail::load_int(in, "total_steps", name());
    o.pct_start = detail::load_number(in, "pct_start", name());
    const std::string& strategy = detail::required_entry(in, "anneal_strategy", name());
    if (strategy != "cos" && strategy != "linear")
        throw ValueError("OneCycleLR.load_state_dict: unknown anneal_strategy '" + strategy + "'");
    o.anneal_strategy = strategy == "cos" ? AnnealStrategy::Cos : AnnealStrategy::Linear;
    o.cycle_momentum = detail::load_bool(in, "cycle_momentum", name());
    o.base_momentum = detail::load_number(in, "base_momentum", name());
    o.max_momentum = detail::load_number(in, "max_momentum", name());
    o.div_factor = detail::load_number(in, "div_factor", name());
    o.final_div_factor = detail::load_number(in, "final_div_factor", name());
    o.three_phase = detail::load_bool(in, "three_phase", name());
    const std::size_t groups = optimizer_.num_param_groups();
    auto initial_lrs = detail::load_list(in, "initial_lrs", groups, name());
    auto max_lrs = detail::load_list(in, "max_lrs", groups, name());
    auto min_lrs = detail::load_list(in, "min_lrs", groups, name());
    check_options(o);
    options_ = o;
    initial_lrs_ = std::move(initial_lrs);
    max_lrs_ = std::move(max_lrs);
    min_lrs_ = std::move(min_lrs);
}

}  // namespace xgrad::optim
