// The LRScheduler base and the schedules that are one formula each. Every formula mirrors
// torch.optim.lr_scheduler (PyTorch 1.13) expression for expression, so the lrs match PyTorch's
// bit for bit, not just to rounding.
// The recursive formulas round exactly as PyTorch's Python arithmetic does because src/optim is
// compiled without floating-point contraction (CMakeLists.txt).

#include "xgrad/optim/lr_scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "optim/python_int.hpp"

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
    FieldSaver saver(out, "");
    // visit() takes its fields by reference for loading too; a FieldSaver only reads them.
    auto& self = const_cast<LRScheduler&>(*this);
    saver("last_epoch", self.last_epoch_);
    saver("step_count", self.step_count_);
    saver("base_lrs", self.base_lrs_);
    saver("last_lr", self.last_lr_);
    self.visit(saver);
    return out;
}

void LRScheduler::load_fields(const StateDict& in) {
    FieldLoader loader(in, "", name());
    loader("last_epoch", last_epoch_);
    loader("step_count", step_count_);
    base_lrs_.resize(optimizer_.num_param_groups());
    loader("base_lrs", base_lrs_);
    std::vector<double> last_lr(optimizer_.num_param_groups());
    loader("last_lr", last_lr);
    visit(loader);
    validate();
    apply(last_lr);
    after_load();
}

// A failed load restores the state from before it, so a bad checkpoint changes nothing: a
// checkpoint must not bring back what the constructor refuses either (a StepLR with step_size 0
// from a corrupt checkpoint divided by zero; found by fuzzing).
void LRScheduler::load_state_dict(const StateDict& in) {
    const std::string& type = xgrad::detail::required_entry(in, "type", name());
    if (type != name())
        throw ValueError(std::string(name()) + ".load_state_dict: the state was saved by " + type);
    const StateDict before = state_dict();
    try {
        load_fields(in);
    } catch (...) {
        load_fields(before);
        throw;
    }
}

// ---- StepLR ---------------------------------------------------------------------------------

// Each schedule checks its settings with one function, validate(), in the constructor and again
// after load_state_dict().
StepLR::StepLR(Optimizer& optimizer, int step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
    validate();
    initialize();
}

void StepLR::validate() const {
    detail::require(step_size_ > 0, "StepLR", "step_size", step_size_, "> 0");
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

void StepLR::visit(FieldVisitor& fn) {
    fn("step_size", step_size_);
    fn("gamma", gamma_);
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

void MultiStepLR::visit(FieldVisitor& fn) {
    fn("milestones", milestones_);
    fn("gamma", gamma_);
    std::sort(milestones_.begin(), milestones_.end());  // as the constructor does
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

void ExponentialLR::visit(FieldVisitor& fn) { fn("gamma", gamma_); }

// ---- InverseTimeLR --------------------------------------------------------------------------

InverseTimeLR::InverseTimeLR(Optimizer& optimizer, double decay_rate)
    : LRScheduler(optimizer), decay_rate_(decay_rate) {
    validate();
    initialize();
}

void InverseTimeLR::validate() const {
    detail::require_non_negative("InverseTimeLR", "decay_rate", decay_rate_);
}

std::vector<double> InverseTimeLR::get_lr() { return *closed_form_lr(); }

std::optional<std::vector<double>> InverseTimeLR::closed_form_lr() const {
    std::vector<double> lrs;
    for (double base : base_lrs_) lrs.push_back(base * (1.0 / (1.0 + decay_rate_ * last_epoch_)));
    return lrs;
}

void InverseTimeLR::visit(FieldVisitor& fn) { fn("decay_rate", decay_rate_); }

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

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, int total_iters)
    : LRScheduler(optimizer),
      start_factor_(start_factor),
      end_factor_(end_factor),
      total_iters_(total_iters) {
    validate();
    initialize();
}

void LinearLR::validate() const {
    detail::require(start_factor_ > 0.0 && start_factor_ <= 1.0, "LinearLR", "start_factor",
                    start_factor_, "in (0, 1]");
    detail::require(end_factor_ >= 0.0 && end_factor_ <= 1.0, "LinearLR", "end_factor", end_factor_,
                    "in [0, 1]");
    detail::require(total_iters_ > 0, "LinearLR", "total_iters", total_iters_, "> 0");
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

void LinearLR::visit(FieldVisitor& fn) {
    fn("start_factor", start_factor_);
    fn("end_factor", end_factor_);
    fn("total_iters", total_iters_);
}

// ---- CosineAnnealingLR ----------------------------------------------------------------------

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int t_max, double eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
    validate();
    initialize();
}

void CosineAnnealingLR::validate() const {
    detail::require(t_max_ > 0, "CosineAnnealingLR", "T_max", t_max_, "> 0");
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

void CosineAnnealingLR::visit(FieldVisitor& fn) {
    fn("T_max", t_max_);
    fn("eta_min", eta_min_);
}

}  // namespace xgrad::optim
