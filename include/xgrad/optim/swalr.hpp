#pragma once
/// \file swalr.hpp
/// SWALR, PyTorch's torch.optim.swa_utils.SWALR (1.13): the learning-rate schedule of
/// stochastic weight averaging, which anneals each group's lr to a constant swa_lr and holds it
/// there. Its partner, the running average of the weights, is nn::AveragedModel
/// (nn/averaged_model.hpp; a Module, so it lives in nn/).

#include <string>
#include <vector>

#include "xgrad/optim/lr_scheduler.hpp"

namespace xgrad::optim {

/// Anneals every group's lr from its current value to swa_lr over anneal_epochs steps, then
/// keeps swa_lr. With step = the number of step() calls so far (0 at construction; at least 1
/// when anneal_epochs = 0), t = clamp(step / max(1, anneal_epochs), 0, 1) and α = t ("linear")
/// or (1 − cos πt)/2 ("cos"), PyTorch's recursive form is
///     lr₀ = (lr − α' swa_lr)/(1 − α')   (the lr before annealing, α' = α of step − 1; swa_lr
///                                         when α' = 1)
///     lr  = swa_lr · α + lr₀ · (1 − α)
/// so, started from lr, the sequence is swa_lr·α_step + lr·(1 − α_step).
class SWALR : public LRScheduler {
public:
    /// One swa_lr for every group. ValueError unless anneal_strategy is "cos" or "linear" and
    /// anneal_epochs >= 0.
    SWALR(Optimizer& optimizer, double swa_lr, int anneal_epochs = 10,
          std::string anneal_strategy = "cos");
    /// One swa_lr per group; ValueError if their number is not the number of groups.
    SWALR(Optimizer& optimizer, std::vector<double> swa_lrs, int anneal_epochs = 10,
          std::string anneal_strategy = "cos");
    const char* name() const override { return "SWALR"; }

    /// The lr each group is annealed to (PyTorch's group['swa_lr']).
    const std::vector<double>& swa_lrs() const { return swa_lrs_; }

protected:
    std::vector<double> get_lr() override;
    void visit(FieldVisitor& fn) override;
    void validate() const override;

private:
    double anneal(double t) const;

    std::vector<double> swa_lrs_;
    int anneal_epochs_;
    std::string anneal_strategy_;
};

}  // namespace xgrad::optim
