#pragma once
/// \file update_bn.hpp
/// nn::update_bn, PyTorch's torch.optim.swa_utils.update_bn (1.13): recomputes the running
/// statistics of a model's batch-norm layers by one pass over the data. Averaged weights
/// (AveragedModel) were never run through their batch norms, so the running mean and variance
/// the layers kept belong to other weights; this pass gives them the averaged model's own.
///
///     nn::update_bn(loader, swa);   // loader: a data::DataLoader (one epoch) or its epoch(e)
///     Tensor prediction = swa(x);   // evaluation mode normalizes by the recomputed statistics

#include <optional>
#include <utility>
#include <vector>

#include "xgrad/grad_mode.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/nn/normalization.hpp"

namespace xgrad::nn {
namespace detail {

/// update_bn's set-up and clean-up, for the lifetime of the object: every batch-norm layer of
/// the model that tracks running statistics gets running mean 0, running var 1, no batches
/// counted and momentum unset (the cumulative average), and the model is put in training mode;
/// the destructor gives each layer its momentum back and the model its mode (model.train(mode)
/// as PyTorch, so submodules take the model's mode), also when a forward throws.
class BatchNormRecompute {
public:
    explicit BatchNormRecompute(Module& model);
    ~BatchNormRecompute();
    BatchNormRecompute(const BatchNormRecompute&) = delete;
    BatchNormRecompute& operator=(const BatchNormRecompute&) = delete;

    /// Whether the model has no batch-norm layer with running statistics (nothing was changed).
    bool empty() const { return momenta_.empty(); }

private:
    Module& model_;
    bool was_training_;
    std::vector<std::pair<BatchNorm*, std::optional<double>>> momenta_;
};

/// The model input of a batch: a tensor is one, and anything with an `inputs` member (such as
/// data::Batch, without nn depending on data) gives that.
inline const Tensor& batch_input(const Tensor& batch) { return batch; }
template <class Batch>
auto batch_input(const Batch& batch) -> decltype((batch.inputs)) {
    return batch.inputs;
}

}  // namespace detail

/// Recomputes the running statistics of every BatchNorm1d/2d in `model` (the model itself or
/// any submodule, e.g. an AveragedModel's module) from the batches of `batches`: each layer is
/// reset and, in training mode with momentum unset, the model runs forward over every batch,
/// so a layer's running_mean ends as the mean of the batches' means and its running_var as the
/// mean of their unbiased variances, and num_batches_tracked as the number of batches. Then
/// each layer's momentum and the model's training mode are restored. A model without such
/// layers is left alone (the batches are not read). The forward passes record no graph.
///
/// `batches` is any range of Tensor inputs or of batches with an `inputs` member: a
/// data::DataLoader (iterating it runs its next epoch and advances its epoch counter), one of
/// its epochs (loader.epoch(e), which does not), or a std::vector<Tensor>. Errors from the
/// forward propagate, with momenta and mode restored and the statistics of the batches so far.
template <class Batches>
void update_bn(Batches&& batches, Module& model) {
    detail::BatchNormRecompute recompute(model);
    if (recompute.empty()) return;
    NoGradGuard no_grad;
    for (auto&& batch : batches) model(detail::batch_input(batch));
}

/// The same for a list of input tensors: update_bn({x1, x2, x3}, model).
void update_bn(const std::vector<Tensor>& inputs, Module& model);

}  // namespace xgrad::nn
