#pragma once
/// \file batch_sampler.hpp
/// The three gradient-descent variants of the lecture as ways to walk a data set, independent of
/// the update rule (any optimizer: SGD, Adam, ...):
///
/// - batch gradient descent: one update per epoch, on the whole data set;
/// - stochastic gradient descent: one update per example, in a fresh random order every epoch;
/// - mini-batch gradient descent: one update per batch of n examples, shuffled every epoch, the
///   last partial batch kept or dropped.
///
/// A BatchSampler turns (data set size, variant, batch size, drop_last, seed) into the index
/// batches of each epoch; the shuffles are reproducible from the seed and differ between epochs.
///
///     auto sampler = data::BatchSampler::mini_batch(x.size(0), 32, false, seed);
///     optim::Adam opt(model.parameters(), {1e-3});
///     for (std::size_t epoch = 0; epoch < 10; ++epoch)
///         data::run_epoch(opt, sampler, epoch, [&](const data::IndexBatch& batch) {
///             return loss(model(index_select(x, 0, batch)), index_select(y, 0, batch));
///         });
///
/// Online learning needs no sampler and no data set in memory: stochastic gradient descent
/// updates on each example as it arrives, one optim::train_step() per example.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad::data {

/// The gradient-descent variants.
enum class Descent { Batch, Stochastic, MiniBatch };

/// "batch", "stochastic" or "mini-batch".
const char* descent_name(Descent descent);

/// Example indices, as index_select() takes them.
using IndexBatch = std::vector<std::int64_t>;

/// The index batches of every epoch for one gradient-descent variant.
class BatchSampler {
public:
    /// Batch gradient descent: one batch 0, 1, ..., n−1 per epoch.
    static BatchSampler batch(std::size_t dataset_size);
    /// Stochastic gradient descent: n batches of one example, reshuffled every epoch.
    static BatchSampler stochastic(std::size_t dataset_size, std::uint64_t seed = 0);
    /// Mini-batch gradient descent: ⌈n/b⌉ shuffled batches of b examples (⌊n/b⌋ with
    /// drop_last, which drops the last partial batch), reshuffled every epoch.
    static BatchSampler mini_batch(std::size_t dataset_size, std::size_t batch_size,
                                   bool drop_last = false, std::uint64_t seed = 0);

    /// The general form: `batch_size` and `drop_last` matter for MiniBatch only. Throws
    /// ValueError on an empty data set or a zero batch size.
    BatchSampler(std::size_t dataset_size, Descent descent, std::size_t batch_size = 1,
                 bool drop_last = false, std::uint64_t seed = 0);

    /// The batches of epoch `epoch` (counted from 0): a pure function of the settings, the seed
    /// and `epoch`, so a resumed run sees the same batches. Together they hold every example
    /// exactly once (minus the dropped remainder with drop_last).
    std::vector<IndexBatch> epoch(std::size_t epoch) const;
    /// The order in which epoch `epoch` visits the examples: 0..n−1 for batch descent, a
    /// permutation drawn from (seed, epoch) otherwise.
    IndexBatch order(std::size_t epoch) const;

    /// Batches per epoch.
    std::size_t batches_per_epoch() const;
    /// The number of examples n.
    std::size_t dataset_size() const { return dataset_size_; }
    /// The variant.
    Descent descent() const { return descent_; }
    /// Examples per full batch: n for batch descent, 1 for stochastic descent.
    std::size_t batch_size() const { return batch_size_; }
    /// Whether the last partial batch is dropped.
    bool drop_last() const { return drop_last_; }
    /// The seed of the shuffles.
    std::uint64_t seed() const { return seed_; }

private:
    std::size_t dataset_size_;
    Descent descent_;
    std::size_t batch_size_;
    bool drop_last_;
    std::uint64_t seed_;
};

/// One epoch: for every batch of `sampler.epoch(epoch)`, in order, one update
/// `optimizer.step(closure)` whose closure zeroes the gradients, evaluates `loss_fn(batch)`,
/// backpropagates and returns the loss. Returns the losses of the batches. `Optimizer` is any
/// type with zero_grad() and `double step(const std::function<Tensor()>&)` (optim::Optimizer):
/// data/ does not depend on optim/.
template <class Optimizer, class LossFn>
std::vector<double> run_epoch(Optimizer& optimizer, const BatchSampler& sampler, std::size_t epoch,
                              LossFn&& loss_fn) {
    std::vector<double> losses;
    for (const IndexBatch& batch : sampler.epoch(epoch))
        losses.push_back(optimizer.step([&] {
            optimizer.zero_grad();
            Tensor loss = loss_fn(batch);
            loss.backward();
            return loss;
        }));
    return losses;
}

}  // namespace xgrad::data
