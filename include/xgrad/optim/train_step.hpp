#pragma once
/// \file train_step.hpp
/// One update of any optimizer from a loss function: online SGD's whole loop body. Stochastic
/// gradient descent on a stream needs no sampler and no data set in memory, one train_step()
/// per example as it arrives:
///
///     SGD opt({w}, {0.01});
///     while (stream.next(x_i, y_i))
///         train_step(opt, [&] { return logistic_loss(w, x_i, y_i); });
///
/// Walking a data set in batches (batch, stochastic, mini-batch descent) is data/'s job:
/// data::BatchSampler and data::run_epoch (xgrad/data/batch_sampler.hpp).

#include <functional>

#include "xgrad/optim/optimizer.hpp"

namespace xgrad::optim {

/// zero_grad, loss = loss_fn(), backward, step: `optimizer.step(closure)` with the closure of
/// PyTorch's contract. Returns the loss (a one-element tensor) as a double.
double train_step(Optimizer& optimizer, const std::function<Tensor()>& loss_fn);

}  // namespace xgrad::optim
