#pragma once
/// \file descent.hpp
/// Deprecated: the samplers moved to data/ (xgrad/data/batch_sampler.hpp), so that the
/// optimizers know nothing of sampling and data/ does not depend on optim/. These aliases keep
/// the old spellings compiling; write data::BatchSampler, data::Descent, data::IndexBatch,
/// data::descent_name and data::run_epoch instead; optim::train_step is in
/// xgrad/optim/train_step.hpp.

#include <cstddef>
#include <functional>
#include <vector>

#include "xgrad/data/batch_sampler.hpp"
#include "xgrad/optim/optimizer.hpp"
#include "xgrad/optim/train_step.hpp"

namespace xgrad::optim {

/// Deprecated spelling of data::Descent.
using Descent [[deprecated("use xgrad::data::Descent (xgrad/data/batch_sampler.hpp)")]] =
    data::Descent;
/// Deprecated spelling of data::IndexBatch.
using IndexBatch [[deprecated("use xgrad::data::IndexBatch (xgrad/data/batch_sampler.hpp)")]] =
    data::IndexBatch;
/// Deprecated spelling of data::BatchSampler.
using BatchSampler [[deprecated("use xgrad::data::BatchSampler (xgrad/data/batch_sampler.hpp)")]] =
    data::BatchSampler;

/// Deprecated spelling of data::descent_name.
[[deprecated("use xgrad::data::descent_name")]] inline const char* descent_name(
    data::Descent descent) {
    return data::descent_name(descent);
}

/// Deprecated spelling of data::run_epoch.
[[deprecated("use xgrad::data::run_epoch")]] inline std::vector<double> run_epoch(
    Optimizer& optimizer, const data::BatchSampler& sampler, std::size_t epoch,
    const std::function<Tensor(const data::IndexBatch&)>& loss_fn) {
    return data::run_epoch(optimizer, sampler, epoch, loss_fn);
}

}  // namespace xgrad::optim
