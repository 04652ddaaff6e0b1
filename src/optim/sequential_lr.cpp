// SequentialLR: PyTorch 1.13's construction and stepping, including its quirks (the chained
// schedules' constructors already stepped the lr; this one resets it and replays epoch 0 of the
// first schedule only).
#include <algorithm>

#include "xgrad/optim/lr_scheduler.hpp"

namespace xgrad::optim {
namespace {
std::string milestones_text(const std::vector<int>& milestones) {
    std::string text;
    for (std::size_t i = 0; i < milestones.size(); ++i)
        text += (i ? "," : "") + std::to_string(milestones[i]);
    return text;
}
}  // namespace

SequentialLR::SequentialLR(Optimizer& optimizer,
                           std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<int> milestones)
    : LRScheduler(optimizer),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
    if (schedulers_.empty()) throw ValueError("SequentialLR: expected at least one schedule");
    for (std::size_t i = 0; i < schedulers_.size(); ++i) {
        if (!schedulers_[i])
            throw ValueError("SequentialLR: schedule " + std::to_string(i) + " is null");
        if (&schedulers_[i]->optimizer_ != &optimizer)
            throw ValueError("SequentialLR: schedule " + std::to_string(i) + " (" +
                             schedulers_[i]->name() + ") drives another optimizer");
    }
    if (milestones_.size() != schedulers_.size() - 1)
        throw ValueError("SequentialLR: expected " + std::to_string(schedulers_.size() - 1) +
                         " milestones for " + std::to_string(schedulers_.size()) +
                         " schedules, got " + std::to_string(milestones_.size()));
    if (!std::is_sorted(milestones_.begin(), milestones_.end()))
        throw ValueError("SequentialLR: milestones must be increasing, got " +
                         milestones_text(milestones_));
    last_epoch_ = 0;
    for (std::size_t g = 0; g < optimizer.num_param_groups(); ++g) {
        base_lrs_.push_back(*optimizer.initial_lr(g));  // set by the schedules' constructors
        optimizer.set_lr(g, base_lrs_.back());
    }
    // Undo the step every schedule's constructor made, then replay epoch 0 of the first one.
    for (auto& scheduler : schedulers_) scheduler->last_epoch_ -= 1;
    schedulers_[0]->step_count_ = 0;
    schedulers_[0]->step();
    last_lr_ = schedulers_[0]->last_lr();
}

void SequentialLR::step() {
    ++last_epoch_;
    const std::size_t index =
        std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin();
    LRScheduler& scheduler = *schedulers_[index];
    if (index > 0 && milestones_[index - 1] == last_epoch_)
        scheduler.step_to(0);  // restart from the base lrs
    else
        scheduler.step();
    last_lr_ = scheduler.last_lr();
}

void SequentialLR::visit(FieldVisitor& fn) {
    fn("milestones", milestones_);
    if (milestones_.size() != schedulers_.size() - 1)  // before the schedules are read
        throw ValueError("SequentialLR.load_state_dict: saved with " +
                         std::to_string(milestones_.size() + 1) + " schedules, this one has " +
                         std::to_string(schedulers_.size()));
    for (std::size_t i = 0; i < schedulers_.size(); ++i)
        fn(("schedulers." + std::to_string(i)).c_str(), *schedulers_[i]);
}

}  // namespace xgrad::optim
