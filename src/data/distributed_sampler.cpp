#include "xgrad/data/distributed_sampler.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "xgrad/error.hpp"

namespace xgrad::data {

DistributedSampler::DistributedSampler(BatchSampler global, std::size_t rank,
                                       std::size_t world_size)
    : global_(std::move(global)), rank_(rank), world_size_(world_size) {
    if (world_size_ == 0) throw ValueError("DistributedSampler: the world size is 0");
    if (rank_ >= world_size_)
        throw ValueError("DistributedSampler: rank " + std::to_string(rank_) +
                         " is out of range for a world of " + std::to_string(world_size_) +
                         " ranks");
    const std::size_t full = std::min(global_.batch_size(), global_.dataset_size());
    if (full < world_size_)
        throw ValueError("DistributedSampler: a global batch of " + std::to_string(full) +
                         " examples cannot give each of " + std::to_string(world_size_) +
                         " ranks an example (expected a batch size >= the world size)");
}

std::size_t DistributedSampler::share(std::size_t global_batch) const {
    return global_batch > rank_ ? (global_batch - rank_ + world_size_ - 1) / world_size_ : 0;
}

std::vector<IndexBatch> DistributedSampler::epoch(std::size_t epoch) const {
    std::vector<IndexBatch> shards;
    for (const IndexBatch& batch : global_.epoch(epoch)) {
        IndexBatch& shard = shards.emplace_back();
        shard.reserve(share(batch.size()));
        for (std::size_t i = rank_; i < batch.size(); i += world_size_) shard.push_back(batch[i]);
    }
    return shards;
}

}  // namespace xgrad::data
