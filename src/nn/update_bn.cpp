// torch.optim.swa_utils.update_bn (PyTorch 1.13).

#include "xgrad/nn/update_bn.hpp"

#include <algorithm>
#include <memory>

namespace xgrad::nn {
namespace {

/// The batch-norm layers with running statistics in `module` and its submodules, depth first,
/// each once even when it is registered under several names (its momentum is saved once).
void collect_batch_norms(Module& module, std::vector<BatchNorm*>& out) {
    if (auto* bn = dynamic_cast<BatchNorm*>(&module))
        if (bn->track_running_stats() && std::find(out.begin(), out.end(), bn) == out.end())
            out.push_back(bn);
    for (const std::shared_ptr<Module>& child : module.children()) collect_batch_norms(*child, out);
}

}  // namespace

namespace detail {

BatchNormRecompute::BatchNormRecompute(Module& model)
    : model_(model), was_training_(model.is_training()) {
    std::vector<BatchNorm*> layers;
    collect_batch_norms(model, layers);
    if (layers.empty()) return;
    for (BatchNorm* bn : layers) {
        momenta_.emplace_back(bn, bn->momentum());
        bn->reset_running_stats();
        bn->set_momentum(std::nullopt);  // momentum 1/n: the mean over the batches
    }
    model_.train();
}

BatchNormRecompute::~BatchNormRecompute() {
    if (momenta_.empty()) return;
    for (const auto& [bn, momentum] : momenta_) bn->set_momentum(momentum);
    model_.train(was_training_);
}

}  // namespace detail

void update_bn(const std::vector<Tensor>& inputs, Module& model) {
    update_bn<const std::vector<Tensor>&>(inputs, model);
}

}  // namespace xgrad::nn
