// torch.optim.swa_utils.AveragedModel (PyTorch 1.13).

#include "xgrad/nn/averaged_model.hpp"

#include <string>
#include <utility>
#include <vector>

#include "xgrad/error.hpp"
#include "xgrad/grad_mode.hpp"
#include "xgrad/ops/elementwise.hpp"

namespace xgrad::nn {
namespace {

/// The tensors update_parameters() averages, in PyTorch's order: parameters, then buffers.
std::vector<Tensor> averaged_tensors(const Module& module, bool use_buffers) {
    std::vector<Tensor> tensors = module.parameters();
    if (use_buffers) {
        const std::vector<Tensor> buffers = module.buffers();
        tensors.insert(tensors.end(), buffers.begin(), buffers.end());
    }
    return tensors;
}

/// Writes `source`'s values into `target` (PyTorch's p.detach().copy_(source)).
void copy_values(Tensor& target, const Tensor& source) {
    dispatch(target.dtype(), [&](auto tag) {
        using T = decltype(tag);
        dispatch(source.dtype(), [&](auto source_tag) {
            using S = decltype(source_tag);
            target.value<T>() = xt::cast<T>(source.value<S>());
        });
    });
}

}  // namespace

Tensor swa_avg_fn(const Tensor& averaged, const Tensor& current, std::int64_t num_averaged) {
    return averaged + (current - averaged) / static_cast<double>(num_averaged + 1);
}

AvgFn ema_avg_fn(double decay) {
    if (!(decay >= 0.0 && decay <= 1.0))
        throw ValueError("ema_avg_fn: invalid decay " + format_exact(decay) +
                         " (expected in [0, 1])");
    return [decay](const Tensor& averaged, const Tensor& current, std::int64_t) {
        return decay * averaged + (1 - decay) * current;
    };
}

AveragedModel::AveragedModel(const Module& model, std::shared_ptr<Module> module, AvgFn avg_fn,
                             bool use_buffers)
    : avg_fn_(avg_fn ? std::move(avg_fn) : AvgFn(swa_avg_fn)), use_buffers_(use_buffers) {
    if (!module) throw ValueError("AveragedModel: the module that holds the average is null");
    module->load_state_dict(model.state_dict());  // PyTorch's deepcopy(model)
    module_ = register_module("module", std::move(module));
    n_averaged_ = register_buffer("n_averaged", Tensor(0, DType::Float64));
}

std::int64_t AveragedModel::n_averaged() const {
    return static_cast<std::int64_t>(n_averaged_.item());
}

void AveragedModel::update_parameters(const Module& model) {
    NoGradGuard no_grad;
    std::vector<Tensor> averages = averaged_tensors(*module_, use_buffers_);
    const std::vector<Tensor> currents = averaged_tensors(model, use_buffers_);
    if (averages.size() != currents.size())
        throw ShapeError("AveragedModel.update_parameters: the model has " +
                         std::to_string(currents.size()) + " tensors to average, the average " +
                         std::to_string(averages.size()));
    for (std::size_t i = 0; i < averages.size(); ++i)
        if (averages[i].shape() != currents[i].shape())
            throw ShapeError("AveragedModel.update_parameters: tensor " + std::to_string(i) +
                             " of the model has shape " + shape_str(currents[i].shape()) +
                             ", the average's " + shape_str(averages[i].shape()));
    const std::int64_t n = n_averaged();
    // Compute every new value before writing any, so that a failing avg_fn changes nothing.
    std::vector<Tensor> updated(averages.size());
    for (std::size_t i = 0; i < averages.size(); ++i) {
        updated[i] = n == 0 ? currents[i] : avg_fn_(averages[i], currents[i], n);
        if (!updated[i].defined() || updated[i].shape() != averages[i].shape())
            throw ShapeError("AveragedModel.update_parameters: avg_fn returned " +
                             (updated[i].defined() ? "shape " + shape_str(updated[i].shape())
                                                   : std::string("an undefined tensor")) +
                             " for tensor " + std::to_string(i) + " of shape " +
                             shape_str(averages[i].shape()));
    }
    for (std::size_t i = 0; i < averages.size(); ++i) copy_values(averages[i], updated[i]);
    n_averaged_.value<double>()() += 1.0;
}

}  // namespace xgrad::nn
