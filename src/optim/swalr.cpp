// torch.optim.swa_utils.SWALR (PyTorch 1.13), expression for expression.

#include "xgrad/optim/swalr.hpp"

#include <algorithm>
#include <cmath>

namespace xgrad::optim {
namespace {
constexpr double pi = 3.141592653589793;  // Python's math.pi
}  // namespace

SWALR::SWALR(Optimizer& optimizer, double swa_lr, int anneal_epochs, std::string anneal_strategy)
    : SWALR(optimizer, std::vector<double>(optimizer.num_param_groups(), swa_lr), anneal_epochs,
            std::move(anneal_strategy)) {}

SWALR::SWALR(Optimizer& optimizer, std::vector<double> swa_lrs, int anneal_epochs,
             std::string anneal_strategy)
    : LRScheduler(optimizer),
      swa_lrs_(std::move(swa_lrs)),
      anneal_epochs_(anneal_epochs),
      anneal_strategy_(std::move(anneal_strategy)) {
    validate();
    initialize();
}

void SWALR::validate() const {
    if (swa_lrs_.size() != optimizer_.num_param_groups())
        throw ValueError(
            "SWALR: swa_lr must have the same length as optimizer.param_groups: "
            "swa_lr has " +
            std::to_string(swa_lrs_.size()) + ", optimizer.param_groups has " +
            std::to_string(optimizer_.num_param_groups()));
    if (anneal_strategy_ != "cos" && anneal_strategy_ != "linear")
        throw ValueError("SWALR: anneal_strategy must by one of 'cos' or 'linear', instead got " +
                         anneal_strategy_);
    detail::require(anneal_epochs_ >= 0, "SWALR", "anneal_epochs", anneal_epochs_, ">= 0");
}

double SWALR::anneal(double t) const {
    return anneal_strategy_ == "cos" ? (1 - std::cos(pi * t)) / 2 : t;
}

std::vector<double> SWALR::get_lr() {
    int step = step_count_ - 1;
    if (anneal_epochs_ == 0) step = std::max(1, step);
    const double span = std::max(1, anneal_epochs_);
    const double prev_t = std::max(0.0, std::min(1.0, (step - 1) / span));
    const double prev_alpha = anneal(prev_t);
    const double t = std::max(0.0, std::min(1.0, step / span));
    const double alpha = anneal(t);
    std::vector<double> lrs = group_lrs();
    for (std::size_t g = 0; g < lrs.size(); ++g) {
        // _get_initial_lr: the lr before annealing began, recovered from the current one.
        const double initial =
            prev_alpha == 1 ? swa_lrs_[g] : (lrs[g] - prev_alpha * swa_lrs_[g]) / (1 - prev_alpha);
        lrs[g] = swa_lrs_[g] * alpha + initial * (1 - alpha);
    }
    return lrs;
}

void SWALR::visit(FieldVisitor& fn) {
    fn("swa_lrs", swa_lrs_);
    fn("anneal_epochs", anneal_epochs_);
    fn("anneal_strategy", anneal_strategy_);
}

}  // namespace xgrad::optim
