// DistributedSampler (no MPI needed): the ranks' shares of each global batch are disjoint, cover
// it exactly and follow the round-robin rule; every example is seen exactly once per epoch; a
// DataLoader walks a rank's shares.
#include <boost/test/unit_test.hpp>
#include <map>

#include "xgrad/data/dataloader.hpp"
#include "xgrad/data/dataset.hpp"
#include "xgrad/data/distributed_sampler.hpp"
#include "xgrad/error.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/tensor.hpp"

using namespace xgrad;
using data::BatchSampler;
using data::IndexBatch;

BOOST_AUTO_TEST_SUITE(distributed_sampler)

BOOST_AUTO_TEST_CASE(shares_of_each_global_batch_are_round_robin_and_cover_it) {
    const BatchSampler global = BatchSampler::mini_batch(53, 13, false, 5);
    for (std::size_t world : {1, 2, 3, 13}) {
        for (std::size_t epoch : {0, 1}) {
            const std::vector<IndexBatch> batches = global.epoch(epoch);
            std::map<std::int64_t, int> seen;
            for (std::size_t rank = 0; rank < world; ++rank) {
                const data::DistributedSampler sampler(global, rank, world);
                const std::vector<IndexBatch> shares = sampler.epoch(epoch);
                BOOST_TEST_REQUIRE(shares.size() == batches.size());
                BOOST_TEST(sampler.batches_per_epoch() == batches.size());
                for (std::size_t b = 0; b < batches.size(); ++b) {
                    BOOST_TEST(shares[b].size() == sampler.share(batches[b].size()));
                    for (std::size_t k = 0; k < shares[b].size(); ++k) {
                        BOOST_TEST(shares[b][k] == batches[b][rank + k * world]);
                        ++seen[shares[b][k]];
                    }
                }
            }
            BOOST_TEST(seen.size() == 53u);  // every example exactly once per epoch
            for (const auto& [index, count] : seen) BOOST_TEST(count == 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(last_batch_gives_unequal_and_empty_shares_without_padding) {
    // 53 = 4 * 13 + 1: the last global batch has one example, for rank 0 only.
    const BatchSampler global = BatchSampler::mini_batch(53, 13, false, 0);
    const data::DistributedSampler rank0(global, 0, 2), rank1(global, 1, 2);
    BOOST_TEST(rank0.batch_size() == 7u);
    BOOST_TEST(rank1.batch_size() == 6u);
    BOOST_TEST(rank0.epoch(0).back().size() == 1u);
    BOOST_TEST(rank1.epoch(0).back().empty());
}

BOOST_AUTO_TEST_CASE(rejects_bad_ranks_and_batches_smaller_than_the_world) {
    const BatchSampler global = BatchSampler::mini_batch(10, 4);
    BOOST_CHECK_THROW(data::DistributedSampler(global, 0, 0), ValueError);
    BOOST_CHECK_THROW(data::DistributedSampler(global, 2, 2), ValueError);
    BOOST_CHECK_THROW(data::DistributedSampler(global, 0, 5), ValueError);
    BOOST_CHECK_THROW(data::DistributedSampler(BatchSampler::stochastic(10), 0, 2), ValueError);
    BOOST_CHECK_NO_THROW(data::DistributedSampler(BatchSampler::batch(10), 1, 2));
}

BOOST_AUTO_TEST_CASE(data_loader_walks_the_shares_of_one_rank) {
    const Tensor inputs = reshape(arange(0, 10, 1, DType::Float64), {10, 1});
    const Tensor targets = arange(0, 10, 1, DType::Float64);
    const auto dataset = std::make_shared<data::TensorDataset>(inputs, targets);
    const data::DistributedSampler sampler(BatchSampler::mini_batch(10, 4, false, 3), 1, 2);
    data::DataLoader loader(dataset, sampler);
    BOOST_TEST(loader.size() == 3u);
    BOOST_TEST(loader.batch_size() == 2u);
    const std::vector<IndexBatch> shares = sampler.epoch(0);
    std::size_t b = 0;
    for (const data::Batch& batch : loader) {
        BOOST_TEST_REQUIRE(batch.size() == shares[b].size());
        for (std::size_t k = 0; k < batch.size(); ++k)
            BOOST_TEST(batch.targets.value<double>()(k) == static_cast<double>(shares[b][k]));
        ++b;
    }
    BOOST_TEST(b == 3u);
    BOOST_TEST(loader.state_dict().metadata.at("rank") == "1");
}

BOOST_AUTO_TEST_SUITE_END()
