#pragma once
/// \file dataloader.hpp
/// DataLoader: walks a Dataset in batches, in order or shuffled by a seed, copying the rows of
/// each batch into a newly allocated pair of tensors. The three ways gradient descent walks the
/// data (the whole set per step, one shuffled example per step, n shuffled examples per step)
/// are the three BatchSampler variants, which a DataLoader takes as they are.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "xgrad/arg.hpp"
#include "xgrad/data/batch_sampler.hpp"
#include "xgrad/data/dataset.hpp"
#include "xgrad/data/distributed_sampler.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::data {

/// How a DataLoader cuts an epoch into batches when no BatchSampler is given.
class DataLoaderOptions {
public:
    /// The other options keep their defaults until set by name:
    /// `DataLoaderOptions(...).shuffle(...)`.
    DataLoaderOptions(std::size_t batch_size = 1) : batch_size_(batch_size) {}
    /// The former aggregate's positional spelling, `DataLoaderOptions{batch_size, shuffle, ...}`.
    XGRAD_DEPRECATED_POSITIONAL_OPTIONS
    DataLoaderOptions(std::size_t batch_size, bool shuffle, std::uint64_t seed = 0,
                      bool drop_last = false)
        : DataLoaderOptions(batch_size) {
        this->shuffle(shuffle).seed(seed).drop_last(drop_last);
    }
    /// Examples per batch; 0 means the whole dataset in one batch.
    XGRAD_ARG(std::size_t, batch_size);
    /// Visit the examples in a new random order every epoch (the mini-batch variant of
    /// BatchSampler); otherwise in index order (for evaluation).
    XGRAD_ARG(bool, shuffle) = false;
    /// The orders of all epochs follow from this seed (and the epoch number) alone.
    XGRAD_ARG(std::uint64_t, seed) = 0;
    /// Skip the last batch of an epoch when it is smaller than batch_size.
    XGRAD_ARG(bool, drop_last) = false;
};

/// Iterates a dataset in batches. The batches of each epoch come from an BatchSampler
/// (batch_sampler.hpp): batch, stochastic or mini-batch gradient descent, shuffled reproducibly
/// from a seed; with shuffle off, from consecutive index ranges. Each epoch is a range:
///
///     data::DataLoader loader(dataset, BatchSampler::mini_batch(dataset->size(), 64));
///     for (int epoch = 0; epoch < 10; ++epoch)
///         for (const data::Batch& batch : loader)   // the next epoch
///             train_step(batch.inputs, batch.labels());
///
/// Iterating the loader itself runs epoch(), epoch()+1, ...; epoch(e) gives the batches of epoch
/// e without advancing. A batch is a fresh pair of tensors (rows copied with memcpy), so a batch
/// kept from an earlier step stays valid.
class DataLoader {
public:
    class Iterator;
    /// The batches of one epoch, in order.
    class Epoch;

    /// Walks `dataset` as `sampler` says. ValueError for a null dataset or a sampler made for
    /// another dataset size.
    DataLoader(std::shared_ptr<const Dataset> dataset, BatchSampler sampler);
    /// Data-parallel: this rank's share of every global batch (see DistributedSampler); a share
    /// may be an empty batch. ValueError for a null dataset or a sampler made for another
    /// dataset size.
    DataLoader(std::shared_ptr<const Dataset> dataset, DistributedSampler sampler);
    /// Shuffled: the sampler BatchSampler::mini_batch(size, batch_size, drop_last, seed) (the
    /// stochastic variant for batch size 1, the batch variant for batch size 0). Not shuffled:
    /// consecutive batches 0..b-1, b..2b-1, ... ValueError for a null dataset, or an empty one
    /// with shuffle.
    explicit DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options = {});

    const Dataset& dataset() const { return *dataset_; }
    /// Examples per full batch.
    std::size_t batch_size() const { return batch_size_; }
    /// Batches per epoch.
    std::size_t size() const;

    /// The example indices of each batch of epoch `epoch`.
    std::vector<std::vector<std::size_t>> batches(std::uint64_t epoch) const;
    /// The batches of epoch `epoch`.
    Epoch epoch(std::uint64_t epoch) const;

    /// The next epoch's batches; advances the epoch counter.
    Iterator begin();
    Iterator end() const;

    /// The number of the epoch that the next begin() will run (0 at first).
    std::uint64_t current_epoch() const { return next_epoch_; }
    /// Makes the next begin() run epoch `epoch`.
    void set_epoch(std::uint64_t epoch) { next_epoch_ = epoch; }

    /// The epoch counter (and the settings, to check on load) as metadata.
    StateDict state_dict() const;
    /// Restores the epoch counter. ValueError if the state was saved with other settings
    /// (variant, batch size, seed, drop_last or dataset size), since the batches would differ.
    void load_state_dict(const StateDict& state);

private:
    std::shared_ptr<const Dataset> dataset_;
    std::optional<BatchSampler> sampler_;       // empty: consecutive batches, in order
    std::optional<DistributedSampler> shards_;  // set: this rank's shares of sampler_'s batches
    std::size_t batch_size_ = 1;
    bool drop_last_ = false;
    std::uint64_t next_epoch_ = 0;
};

/// Input iterator over the batches of one epoch; dereferencing reads the batch.
class DataLoader::Iterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = const Batch*;
    using reference = const Batch&;

    Iterator() = default;
    const Batch& operator*() const;
    const Batch* operator->() const { return &**this; }
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return position_ == other.position_; }
    bool operator!=(const Iterator& other) const { return position_ != other.position_; }
    /// Index of the batch within its epoch.
    std::size_t position() const { return position_; }

private:
    friend class DataLoader;
    struct Plan;
    Iterator(std::shared_ptr<const Plan> plan, std::size_t position)
        : plan_(std::move(plan)), position_(position) {}

    std::shared_ptr<const Plan> plan_;
    std::size_t position_ = 0;
    mutable Batch current_;
    mutable bool loaded_ = false;
};

class DataLoader::Epoch {
public:
    Iterator begin() const;
    Iterator end() const;
    std::size_t size() const;
    /// Batch `index` of the epoch; IndexError when out of range.
    Batch operator[](std::size_t index) const;

private:
    friend class DataLoader;
    explicit Epoch(std::shared_ptr<const Iterator::Plan> plan) : plan_(std::move(plan)) {}
    std::shared_ptr<const Iterator::Plan> plan_;
};

}  // namespace xgrad::data
