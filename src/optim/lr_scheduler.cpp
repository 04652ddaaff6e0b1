// The LRScheduler base and the schedules that are one formula each. Every formula mirrors
// torch.optim.lr_scheduler (PyTorch 1.13) expression for expression, so the lrs match PyTorch's
// bit for bit, not just to rounding.
// Before any include: no contraction of a*b + c into fused multiply-adds, so the recursive
// formulas round exactly as PyTorch's Python arithmetic does (see kernels.hpp).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "xgrad/optim/lr_scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "optim/scheduler_util.hpp"

namespace xgrad::optim {
namespace {
constexpr double pi = 3.141592653589793;  // Python's math.pi
}  // namespace

// ---- LRScheduler --------------------------------------------------------------------------

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {}

void LRScheduler::initialize() {
    base_lrs_.clear();
    for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g) {
        if (!optimizer_.initial_lr(g)) optimizer_.set_initial_lr(g, optimizer_.lr(g));
        base_lrs_.push_back(*optimizer_.initial_lr(g));
    }
    last_epoch_ = -1;
    step_count_ = 0;
    step();
}

void LRScheduler::step() {
    ++step_count_;
    ++last_epoch_;
    apply(get_lr());
}

void LRScheduler::step_to(int epoch) {
    ++step_count_;
    last_epoch_ = epoch;
    const auto closed = closed_form_lr();
    apply(closed ? *closed : get_lr());
}

std::vector<double> LRScheduler::group_lrs() const {
    std::vector<double> lrs;
    for (std::size_t g = 0; g < optimizer_.num_param_groups(); ++g) lrs.push_back(optimizer_.lr(g));
    return lrs;
}

void LRScheduler::apply(const std::vector<double>& lrs) {
    for (std::size_t g = 0; g < lrs.size(); ++g) optimizer_.set_lr(g, lrs[g]);
    last_lr_ = group_lrs();
}

StateDict LRScheduler::state_dict() const {
    StateDict out;
    out.metadata["type"] = name();
    out.metadata["last_epoch"] = std::to_string(last_epoch_);
    out.metadata["step_count"] = std::to_string(step_count_);
    detail::save_list(out, "base_lrs", base_lrs_);
    detail::save_list(out, "last_lr", last_lr_);
    save_extra(out);
    return out;
}

void LRScheduler::load_state_dict(const StateDict& in) {
    const std::string& type = detail::required_entry(in, "type", name());
    if (type != name())
        throw ValueError(std::string(name()) + ".load_state_dict: the state was saved by " + type);
    const int last_epoch = detail::load_int(in, "last_epoch", name());
    const int step_count = detail::load_int(in, "step_count", name());
    const std::size_t groups = optimizer_.num_param_groups();
    auto base_lrs = detail::load_list(in, "base_lrs", groups, name());
    auto last_lr = detail::load_list(in, "last_lr", groups, name());
    load_extra(in);
    last_epoch_ = last_epoch;
    step_count_ = step_count;
    base_lrs_ = std::move(base_lrs);
    apply(last_lr);
    after_load();
}

// ---- StepLR ---------------------------------------------------------------------------------

// Each schedule checks its settings with one function, in the constructor and again in
// load_extra(): a checkpoint must not bring back what the constructor refuses (a StepLR with
// step_size 0 from a corrupt checkpoint divided by zero; found by fuzzing). load_extra() reads
// and checks everything before it assigns anything, so a bad state changes nothing.
namespace {
void check_step_lr(int step_size) {
    detail::require(step_size > 0, "StepLR", "step_size", step_size, "> 0");
}
}  // namespace

StepLR::StepLR(Optimizer& optimizer, int step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
    check_step_lr(step_size);
    initialize();
}

std::vector<double> StepLR::get_lr() {
    if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return group_lrs();
    std::vector<double> lrs = group_lrs();
    for (double& lr : lrs) lr = lr * gamma_;
    return lrs;
}

std::optional<std::vector<double>> StepLR::closed_form_lr() const {
    std::vector<double> lrs;
    for (double base : base_lrs_)
        lrs.push_back(base * std::pow(gamma_, detail::floor_div(last_epoch_, step_size_)));
    return lrs;
}

void StepLR::save_extra(StateDict& out) const {
    out.metadata["step_size"] = std::to_string(step_size_);
    out.metadata["gamma"] = detail::number_text(gamma_);
}

void StepLR::load_extra(const StateDict& in) {
    const int step_size = detail::load_int(in, "step_size", name());
    const double gamma = detail::load_number(in, "gamma", name());
    check_step_lr(step_size);
    step_size_ = step_size;
    gamma_ = gamma;
}

// ---- MultiStepLR ----------------------------------------------------------------------------

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<int> milestones, double gamma)
    : LRScheduler(optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
    std::sort(milestones_.begin(), milestones_.end());
    initialize();
}

std::vector<double> MultiStepLR::get_lr() {
    const auto count = std::count(milestones_.begin(), milestones_.end(), last_epoch_);
    std::vector<double> lrs = group_lrs();
    if (count == 0) return lrs;
    for (double& lr : lrs) lr = lr * std::pow(gamma_, static_cast<double>(count));
    return lrs;
}

std::optional<std::vector<double>> MultiStepLR::closed_form_lr() const {
    const auto passed =
        std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin();
    std::vector<double> lrs;
    for (double base : base_lrs_)
        lrs.push_back(base * std::pow(gamma_, static_cast<double>(passed)));
    return lrs;
}

void MultiStepLR::save_extra(StateDict& out) const {
    out.metadata["milestones"] = detail::int_list_text(milestones_);
    out.metadata["gamma"] = detail::number_text(gamma_);
}

void MultiStepLR::load_extra(const StateDict& in) {
    auto milestones =
        detail::parse_int_list(detail::required_entry(in, "milestones", name()), "milestones");
    const double gamma = detail::load_number(in, "gamma", name());
    std::sort(milestones.begin(), milestones.end());  // as the constructor does
    milestones_ = std::move(milestones);
    gamma_ = gamma;
}

// ---- ExponentialLR --------------------------------------------------------------------------

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : LRScheduler(optimizer), gamma_(gamma) {
    initialize();
}

std::vector<double> ExponentialLR::get_lr() {
    std::vector<double> lrs = group_lrs();
    if (last_epoch_ == 0) return lrs;
    for (double& lr : lrs) lr = lr * gamma_;
    return lrs;
}

std::optional<std::vector<double>> ExponentialLR::closed_form_lr() const {
    std::vector<double> lrs;
    for (double base : base_lrs_) lrs.push_back(base * std::pow(gamma_, last_epoch_));
    return lrs;
}

void ExponentialLR::save_extra(StateDict& out) const {
    out.metadata["gamma"] = detail::number_text(gamma_);
}

void ExponentialLR::load_extra(const StateDict& in) {
    gamma_ = detail::load_number(in, "gamma", name());
}

// ---- InverseTimeLR --------------------------------------------------------------------------

namespace {
void check_inverse_time_lr(double decay_rate) {
    detail::require_non_negative("InverseTimeLR", "decay_rate", decay_rate);
}
}  // namespace

InverseTimeLR::InverseTimeLR(Optimizer& optimizer, double decay_rate)
    : LRScheduler(optimizer), decay_rate_(decay_rate) {
    check_inverse_time_lr(decay_rate);
    initialize();
}

std::vector<double> InverseTimeLR::get_lr() { return *closed_form_lr(); }

std::optional<std::vector<double>> InverseTimeLR::closed_form_lr() const {
    std::vector<double> lrs;
    for (double base : base_lrs_) lrs.push_back(base * (1.0 / (1.0 + decay_rate_ * last_epoch_)));
    return lrs;
}

void InverseTimeLR::save_extra(StateDict& out) const {
    out.metadata["decay_rate"] = detail::number_text(decay_rate_);
}

void InverseTimeLR::load_extra(const StateDict& in) {
    const double decay_rate = detail::load_number(in, "decay_rate", name());
    check_inverse_time_lr(decay_rate);
    decay_rate_ = decay_rate;
}

// ---- LambdaLR -------------------------------------------------------------------------------

LambdaLR::LambdaLR(Optimizer& optimizer, Lambda lr_lambda)
    : LambdaLR(optimizer, std::vector<Lambda>(optimizer.num_param_groups(), lr_lambda)) {}

LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas)
    : LRScheduler(optimizer), lambdas_(std::move(lr_lambdas)) {
    if (lambdas_.size() != optimizer.num_param_groups())
        throw ValueError("LambdaLR: expected " + std::to_string(optimizer.num_param_groups()) +
                         " lr_lambdas (one per group), got " + std::to_string(lambdas_.size()));
    for (const auto& lambda : lambdas_)
        if (!lambda) throw ValueError("LambdaLR: empty lr_lambda");
    initialize();
}

std::vector<double> LambdaLR::get_lr() {
    std::vector<double> lrs;
    for (std::size_t g = 0; g < base_lrs_.size(); ++g)
        lrs.push_back(base_lrs_[g] * lambdas_[g](last_epoch_));
    return lrs;
}

// ---- LinearLR -------------------------------------------------------------------------------

namespace {
void check_linear_lr(double start_factor, double end_factor, int total_iters) {
    detail::require(start_factor > 0.0 && start_factor <= 1.0, "LinearLR", "start_factor",
                    start_factor, "in (0, 1]");
    detail::require(end_factor >= 0.0 && end_factor <= 1.0, "LinearLR", "end_factor", end_factor,
                    "in [0, 1]");
    detail::require(total_iters > 0, "LinearLR", "total_iters", total_iters, "> 0");
}
}  // namespace

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, int total_iters)
    : LRScheduler(optimizer),
      start_factor_(start_factor),
      end_factor_(end_factor),
      total_iters_(total_iters) {
    check_linear_lr(start_factor, end_factor, total_iters);
    initialize();
}

std::vector<double> LinearLR::get_lr() {
    std::vector<double> lrs = group_lrs();
    if (last_epoch_ == 0) {
        for (double& lr : lrs) lr = lr * start_factor_;
    } else if (last_epoch_ <= total_iters_) {
        const double change = end_factor_ - start_factor_;
        for (double& lr : lrs)
            lr = lr * (1. + change / (total_iters_ * start_factor_ + (last_epoch_ - 1) * change));
    }
    return lrs;
}

std::optional<std::vector<double>> LinearLR::closed_form_lr() const {
    std::vector<double> lrs;
    for (double base : base_lrs_)
        lrs.push_back(base *
                      (start_factor_ + (end_factor_ - start_factor_) *
                                           std::min(total_iters_, last_epoch_) / total_iters_));
    return lrs;
}

void LinearLR::save_extra(StateDict& out) const {
    out.metadata["start_factor"] = detail::number_text(start_factor_);
    out.metadata["end_factor"] = detail::number_text(end_factor_);
    out.metadata["total_iters"] = std::to_string(total_iters_);
}

void LinearLR::load_extra(const StateDict& in) {
    const double start_factor = detail::load_number(in, "start_factor", name());
    const double end_factor = detail::load_number(in, "end_factor", name());
    const int total_iters = detail::load_int(in, "total_iters", name());
    check_linear_lr(start_factor, end_factor, total_iters);
    start_factor_ = start_factor;
    end_factor_ = end_factor;
    total_iters_ = total_iters;
}

// ---- CosineAnnealingLR ----------------------------------------------------------------------

namespace {
void check_cosine_annealing_lr(int t_max) {
    detail::require(t_max > 0, "CosineAnnealingLR", "T_max", t_max, "> 0");
}
}  // namespace

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int t_max, double eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
    check_cosine_annealing_lr(t_max);
    initialize();
}

std::vector<double> CosineAnnealingLR::get_lr() {
    std::vector<double> lrs = group_lrs();
    if (last_epoch_ == 0) return lrs;
    if (step_count_ == 1 && last_epoch_ > 0) return *closed_form_lr();
    if (detail::py_mod(last_epoch_ - 1 - t_max_, 2 * t_max_) == 0) {
        // The bottom of a period: PyTorch steps back up by the first increment.
        for (std::size_t g = 0; g < lrs.size(); ++g)
            lrs[g] = lrs[g] + (base_lrs_[g] - eta_min_) * (1 - std::cos(pi / t_max_)) / 2;
        return lrs;
    }
    for (double& lr : lrs)
        lr = (1 + std::cos(pi * last_epoch_ / t_max_)) /
                 (1 + std::cos(pi * (last_epoch_ - 1) / t_max_)) * (lr - eta_min_) +
             eta_min_;
    return lrs;
}

std::optional<std::vector<double>> CosineAnnealingLR::closed_form_lr() const {
    std::vector<double> lrs;
    for (double base : base_lrs_)
        lrs.push_back(eta_min_ + (base - eta_min_) * (1 + std::cos(pi * last_epoch_ / t_max_)) / 2);
    return lrs;
}

void CosineAnnealingLR::save_extra(StateDict& out) const {
    out.metadata["T_max"] = std::to_string(t_max_);
    out.metadata["eta_min"] = detail::number_text(eta_min_);
}

void CosineAnnealingLR::load_extra(const StateDict& in) {
    const int t_max = detail::load_int(in, "T_max", name());
    const double eta_min = detail::load_number(in, "eta_min", name());
    check_cosine_annealing_lr(t_max);
    t_max_ = t_max;
    eta_min_ = eta_min;
}

}  // namespace xgrad::optim
