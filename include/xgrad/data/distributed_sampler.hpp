#pragma once
/// \file distributed_sampler.hpp
/// DistributedSampler: splits every global mini-batch of an BatchSampler among the ranks
/// of a data-parallel job, so that together the ranks see each example exactly once per epoch and
/// step t of every rank works on a share of the very batch t a single process would use.
///
/// It needs no MPI (the rank and the world size are plain numbers), so it is part of xgrad::data
/// in every build; xgrad/distributed.hpp supplies the rank and size when MPI is there.

#include <cstddef>
#include <vector>

#include "xgrad/data/batch_sampler.hpp"

namespace xgrad::data {

/// The share of rank `rank` (of `world_size`) in every batch of a global BatchSampler built with
/// the same settings and seed on every rank.
///
/// Global batch t of an epoch, positions 0..m−1 of the shuffled order, goes to the ranks
/// round-robin: rank r gets positions r, r + W, r + 2W, ... So every rank has ⌈m/W⌉ or ⌊m/W⌋
/// examples, every rank runs the same number of steps per epoch, and the shards of step t are
/// exactly the single-process batch t. Nothing is padded or repeated (torch's DistributedSampler
/// pads an epoch with repeated examples; this one does not): a last, smaller batch gives the
/// ranks unequal shares, possibly none. Averaging the ranks' gradients weighted by their example
/// counts (distributed::GradientReducer does) then gives the single-process gradient of the mean
/// loss over the global batch.
///
///     data::DistributedSampler sampler(BatchSampler::mini_batch(n, 64, false, seed),
///                                      distributed::rank(), distributed::world_size());
///     data::DataLoader loader(dataset, sampler);   // batches of 64 / W examples per rank
class DistributedSampler {
public:
    /// ValueError if world_size is 0, rank >= world_size, or a full global batch has fewer
    /// examples than there are ranks (some rank would never get an example).
    DistributedSampler(BatchSampler global, std::size_t rank, std::size_t world_size);

    /// This rank's share of every global batch of epoch `epoch`, in step order. A share may be
    /// empty (a last batch with fewer examples than ranks): the rank still takes part in the
    /// step, with zero examples.
    std::vector<IndexBatch> epoch(std::size_t epoch) const;

    /// Steps per epoch: the global sampler's batches per epoch, the same on every rank.
    std::size_t batches_per_epoch() const { return global_.batches_per_epoch(); }
    /// Examples of this rank in a full global batch: ⌈b/W⌉ or ⌊b/W⌋.
    std::size_t batch_size() const { return share(global_.batch_size()); }
    /// How many of a global batch of `global_batch` examples fall to this rank.
    std::size_t share(std::size_t global_batch) const;

    const BatchSampler& global() const { return global_; }
    std::size_t rank() const { return rank_; }
    std::size_t world_size() const { return world_size_; }

private:
    BatchSampler global_;
    std::size_t rank_;
    std::size_t world_size_;
};

}  // namespace xgrad::data
