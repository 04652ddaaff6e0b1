#include "xgrad/data/batch_sampler.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <utility>

#include "xgrad/error.hpp"

namespace xgrad::data {
namespace {

// SplitMix64's finaliser: turns (seed, epoch) into well-spread engine seeds.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Uniform in [0, n) by rejection. std::uniform_int_distribution and std::shuffle are
// implementation-defined; this (with mt19937_64, whose output the standard fixes) gives the same
// shuffles with every compiler and standard library.
std::uint64_t uniform_below(std::mt19937_64& engine, std::uint64_t n) {
    const std::uint64_t reject_below = (0 - n) % n;  // 2^64 mod n
    for (;;) {
        const std::uint64_t r = engine();
        if (r >= reject_below) return r % n;
    }
}

}  // namespace

const char* descent_name(Descent descent) {
    switch (descent) {
        case Descent::Batch:
            return "batch";
        case Descent::Stochastic:
            return "stochastic";
        case Descent::MiniBatch:
            return "mini-batch";
    }
    return "unknown";
}

BatchSampler BatchSampler::batch(std::size_t dataset_size) {
    return BatchSampler(dataset_size, Descent::Batch);
}

BatchSampler BatchSampler::stochastic(std::size_t dataset_size, std::uint64_t seed) {
    return BatchSampler(dataset_size, Descent::Stochastic, 1, false, seed);
}

BatchSampler BatchSampler::mini_batch(std::size_t dataset_size, std::size_t batch_size,
                                      bool drop_last, std::uint64_t seed) {
    return BatchSampler(dataset_size, Descent::MiniBatch, batch_size, drop_last, seed);
}

BatchSampler::BatchSampler(std::size_t dataset_size, Descent descent, std::size_t batch_size,
                           bool drop_last, std::uint64_t seed)
    : dataset_size_(dataset_size),
      descent_(descent),
      batch_size_(batch_size),
      drop_last_(drop_last),
      seed_(seed) {
    if (dataset_size == 0) throw ValueError("BatchSampler: empty data set");
    if (descent == Descent::Batch) {
        batch_size_ = dataset_size;
        drop_last_ = false;
    } else if (descent == Descent::Stochastic) {
        batch_size_ = 1;
        drop_last_ = false;
    } else if (batch_size == 0) {
        throw ValueError("BatchSampler: invalid batch_size 0 (expected >= 1)");
    }
}

std::size_t BatchSampler::batches_per_epoch() const {
    return drop_last_ ? dataset_size_ / batch_size_
                      : (dataset_size_ + batch_size_ - 1) / batch_size_;
}

IndexBatch BatchSampler::order(std::size_t epoch) const {
    IndexBatch indices(dataset_size_);
    std::iota(indices.begin(), indices.end(), std::int64_t{0});
    if (descent_ == Descent::Batch) return indices;
    std::mt19937_64 engine(mix(seed_ ^ mix(epoch)));
    for (std::size_t i = dataset_size_ - 1; i > 0; --i)  // Fisher-Yates
        std::swap(indices[i], indices[uniform_below(engine, i + 1)]);
    return indices;
}

std::vector<IndexBatch> BatchSampler::epoch(std::size_t epoch) const {
    const IndexBatch indices = order(epoch);
    std::vector<IndexBatch> batches;
    batches.reserve(batches_per_epoch());
    for (std::size_t start = 0; start < dataset_size_; start += batch_size_) {
        const std::size_t stop = std::min(start + batch_size_, dataset_size_);
        if (drop_last_ && stop - start < batch_size_) break;
        batches.emplace_back(indices.begin() + static_cast<std::ptrdiff_t>(start),
                             indices.begin() + static_cast<std::ptrdiff_t>(stop));
    }
    return batches;
}

}  // namespace xgrad::data
