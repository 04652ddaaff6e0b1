#include "xgrad/data/dataloader.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "xgrad/error.hpp"

namespace xgrad::data {

/// What the iterators of one epoch share: the dataset and the indices of each batch.
struct DataLoader::Iterator::Plan {
    std::shared_ptr<const Dataset> dataset;
    std::vector<std::vector<std::size_t>> batches;

    Batch batch(std::size_t index) const { return dataset->get_batch(batches[index]); }
};

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, BatchSampler sampler)
    : dataset_(std::move(dataset)), sampler_(std::move(sampler)) {
    if (!dataset_) throw ValueError("DataLoader: the dataset is null");
    if (sampler_->dataset_size() != dataset_->size())
        throw ValueError("DataLoader: the sampler walks " +
                         std::to_string(sampler_->dataset_size()) +
                         " examples but the dataset has " + std::to_string(dataset_->size()));
    batch_size_ = sampler_->batch_size();
    drop_last_ = sampler_->drop_last();
}

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DistributedSampler sampler)
    : DataLoader(std::move(dataset), sampler.global()) {
    batch_size_ = sampler.batch_size();
    shards_ = std::move(sampler);
}

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)) {
    if (!dataset_) throw ValueError("DataLoader: the dataset is null");
    const std::size_t n = dataset_->size();
    batch_size_ = options.batch_size() == 0 ? std::max<std::size_t>(n, 1) : options.batch_size();
    drop_last_ = options.drop_last();
    if (options.shuffle()) {
        if (options.batch_size() == 0)
            sampler_ = BatchSampler::batch(n);
        else if (options.batch_size() == 1)
            sampler_ = BatchSampler::stochastic(n, options.seed());
        else
            sampler_ = BatchSampler::mini_batch(n, options.batch_size(), options.drop_last(),
                                                options.seed());
        drop_last_ = sampler_->drop_last();
    }
}

std::size_t DataLoader::size() const {
    if (sampler_) return sampler_->batches_per_epoch();
    const std::size_t n = dataset_->size();
    return drop_last_ ? n / batch_size_ : (n + batch_size_ - 1) / batch_size_;
}

std::vector<std::vector<std::size_t>> DataLoader::batches(std::uint64_t epoch) const {
    std::vector<std::vector<std::size_t>> result;
    result.reserve(size());
    if (sampler_) {
        const std::size_t e = static_cast<std::size_t>(epoch);
        for (const auto& batch : shards_ ? shards_->epoch(e) : sampler_->epoch(e))
            result.emplace_back(batch.begin(), batch.end());
        return result;
    }
    const std::size_t n = dataset_->size();
    for (std::size_t start = 0; start < n; start += batch_size_) {
        const std::size_t stop = std::min(n, start + batch_size_);
        if (drop_last_ && stop - start < batch_size_) break;
        std::vector<std::size_t>& batch = result.emplace_back(stop - start);
        std::iota(batch.begin(), batch.end(), start);
    }
    return result;
}

DataLoader::Epoch DataLoader::epoch(std::uint64_t epoch) const {
    return Epoch(std::make_shared<const Iterator::Plan>(Iterator::Plan{dataset_, batches(epoch)}));
}

DataLoader::Iterator DataLoader::begin() { return epoch(next_epoch_++).begin(); }

DataLoader::Iterator DataLoader::end() const { return Iterator(nullptr, size()); }

StateDict DataLoader::state_dict() const {
    StateDict state;
    state.metadata["epoch"] = std::to_string(next_epoch_);
    state.metadata["order"] = sampler_ ? descent_name(sampler_->descent()) : "sequential";
    state.metadata["batch_size"] = std::to_string(batch_size_);
    state.metadata["seed"] = std::to_string(sampler_ ? sampler_->seed() : 0);
    state.metadata["drop_last"] = drop_last_ ? "true" : "false";
    state.metadata["dataset_size"] = std::to_string(dataset_->size());
    if (shards_) {
        state.metadata["rank"] = std::to_string(shards_->rank());
        state.metadata["world_size"] = std::to_string(shards_->world_size());
    }
    return state;
}

void DataLoader::load_state_dict(const StateDict& state) {
    const StateDict expected = state_dict();
    for (const auto& [key, value] : expected.metadata) {
        const auto found = state.metadata.find(key);
        if (found == state.metadata.end())
            throw ValueError("DataLoader::load_state_dict: missing entry '" + key + "'");
        if (key != "epoch" && found->second != value)
            throw ValueError("DataLoader::load_state_dict: '" + key + "' was " + found->second +
                             " when saved but is " + value + " now; the batches would differ");
    }
    const std::string& text = state.metadata.at("epoch");
    std::size_t used = 0;
    std::uint64_t epoch = 0;
    try {
        epoch = std::stoull(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || text[0] == '-')
        throw ValueError("DataLoader::load_state_dict: 'epoch' is not a count: '" + text + "'");
    next_epoch_ = epoch;
}

const Batch& DataLoader::Iterator::operator*() const {
    if (!plan_ || position_ >= plan_->batches.size())
        throw IndexError("DataLoader::Iterator: dereferenced past the last batch");
    if (!loaded_) {
        current_ = plan_->batch(position_);
        loaded_ = true;
    }
    return current_;
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
    ++position_;
    loaded_ = false;
    current_ = Batch{};
    return *this;
}

DataLoader::Iterator DataLoader::Epoch::begin() const { return Iterator(plan_, 0); }

DataLoader::Iterator DataLoader::Epoch::end() const {
    return Iterator(nullptr, plan_->batches.size());
}

std::size_t DataLoader::Epoch::size() const { return plan_->batches.size(); }

Batch DataLoader::Epoch::operator[](std::size_t index) const {
    if (index >= plan_->batches.size())
        throw IndexError("DataLoader::Epoch: batch " + std::to_string(index) +
                         " is out of range for " + std::to_string(plan_->batches.size()) +
                         " batches");
    return plan_->batch(index);
}

}  // namespace xgrad::data
