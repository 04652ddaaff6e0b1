#pragma once
/// \file averaged_model.hpp
/// nn::AveragedModel, PyTorch's torch.optim.swa_utils.AveragedModel (1.13): a copy of a model
/// whose parameters are a running average of the model's, for stochastic weight averaging (SWA,
/// Izmailov et al. 2018) or an exponential moving average (EMA). It is a Module (it is
/// evaluated and saved like one), hence in nn/; its lr schedule is optim::SWALR.
///
///     nn::AveragedModel swa(*model, std::make_shared<Net>());   // Net: model's architecture
///     optim::SWALR swa_schedule(opt, 0.05);
///     for (int epoch = 0; epoch < epochs; ++epoch) {
///         train_one_epoch(*model, opt);
///         if (epoch >= swa_start) { swa.update_parameters(*model); swa_schedule.step(); }
///     }
///     Tensor prediction = swa(x);   // the averaged weights

#include <cstdint>
#include <functional>
#include <memory>

#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// How AveragedModel folds a model's parameter into its average: `averaged` is the current
/// average, `current` the model's value, `num_averaged` the number of updates so far (>= 1).
/// Returns the new average (the tensors are not recorded: updates run without grad).
using AvgFn =
    std::function<Tensor(const Tensor& averaged, const Tensor& current, std::int64_t num_averaged)>;

/// SWA's running mean, PyTorch's default avg_fn: averaged + (current − averaged) / (n + 1).
Tensor swa_avg_fn(const Tensor& averaged, const Tensor& current, std::int64_t num_averaged);
/// An exponential moving average, decay·averaged + (1 − decay)·current (PyTorch 2.1's
/// get_ema_avg_fn(decay)); ValueError unless decay is in [0, 1].
AvgFn ema_avg_fn(double decay = 0.999);

/// A model's running average. `module` (registered as "module") holds the average; it must
/// have the model's parameters and buffers under the same names and shapes, and the
/// constructor copies the model's values into it (what PyTorch's deepcopy(model) gives). A
/// buffer "n_averaged" (float64, 0-d; PyTorch's is int64) counts the updates, so state_dict()
/// and load_state_dict() save and resume the average.
class AveragedModel : public Module {
public:
    /// `avg_fn` defaults to swa_avg_fn. With `use_buffers`, the buffers of the modules are
    /// averaged too (else they keep the values of construction, as in PyTorch 1.13).
    AveragedModel(const Module& model, std::shared_ptr<Module> module, AvgFn avg_fn = nullptr,
                  bool use_buffers = false);

    /// Runs the averaged module.
    Tensor forward(const Tensor& input) override { return (*module_)(input); }
    std::string describe() const override { return "AveragedModel"; }

    /// Folds `model`'s current parameters (and buffers with use_buffers) into the average: the
    /// first update copies them, later ones apply avg_fn; then n_averaged grows by one.
    /// ShapeError if `model` does not match the average's tensors (nothing changes then).
    void update_parameters(const Module& model);

    /// The number of update_parameters() calls so far.
    std::int64_t n_averaged() const;
    /// The module that holds the average.
    const std::shared_ptr<Module>& module() const { return module_; }

private:
    std::shared_ptr<Module> module_;
    AvgFn avg_fn_;
    bool use_buffers_;
    Tensor n_averaged_;
};

}  // namespace xgrad::nn
