// Run under mpirun with 2 (or more) ranks. Data-parallel training of a small MLP, each rank on its
// DistributedSampler share of every batch with a GradientReducer, against one process trained on
// the combined batches: after K steps the parameters must be identical on every rank bit for bit
// and equal to the single-process ones within 1e-5 relative (float32) or 1e-12 (float64). The
// batches (53 examples, batch 13) give the ranks unequal shares and, in the last batch of each
// epoch, one rank no example at all, so the count-weighted average is exercised. Every rank
// starts from different weights, so the test fails unless broadcast_parameters() works.
// Also: gradients missing on some or all ranks, and ranks passing different parameters.
// Exit code 1 on any failed check.
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <xgrad/data.hpp>
#include <xgrad/distributed.hpp>
#include <xgrad/nn.hpp>
#include <xgrad/optim.hpp>
#include <xgrad/xgrad.hpp>

using namespace xgrad;

namespace {

constexpr std::size_t kExamples = 53, kBatch = 13, kEpochs = 2, kSeed = 5;
int failures = 0;

void expect(bool ok, const std::string& what) {
    if (ok) return;
    std::fprintf(stderr, "FAILED on rank %d: %s\n", distributed::rank(), what.c_str());
    ++failures;
}

std::shared_ptr<nn::Sequential> make_model(std::uint64_t seed, DType dtype) {
    manual_seed(seed);
    auto model = std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(5, 16),
                                                  std::make_shared<nn::Tanh>(),
                                                  std::make_shared<nn::Linear>(16, 3));
    model->to(dtype);
    return model;
}

std::shared_ptr<data::TensorDataset> make_data(DType dtype) {
    manual_seed(11);
    const Tensor inputs = randn({kExamples, 5}, dtype);
    xt::xarray<double> labels = xt::zeros<double>({kExamples});
    for (std::size_t i = 0; i < kExamples; ++i) labels(i) = static_cast<double>((i * 7) % 3);
    return std::make_shared<data::TensorDataset>(inputs, Tensor(labels).to(dtype));
}

/// One step on `batch`: forward and backward unless the share is empty (its gradient counts as
/// zero, with weight zero).
void backward_on(nn::Module& model, const data::Batch& batch) {
    if (batch.size() > 0) nn::cross_entropy(model(batch.inputs), batch.labels()).backward();
}

optim::SGD make_optimizer(nn::Module& model) {
    return optim::SGD(model.parameters(), optim::SGDOptions(0.1).momentum(0.9));
}

/// Every parameter's values, as doubles, in order.
std::vector<double> flat(const nn::Module& model) {
    std::vector<double> out;
    for (const Tensor& p : model.parameters()) {
        const std::vector<double> v = p.to_vector();
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

/// The raw bytes of every parameter, in order.
std::vector<char> bytes(const nn::Module& model) {
    std::vector<char> out;
    for (const Tensor& p : model.parameters()) {
        const std::size_t size = p.numel() * (p.dtype() == DType::Float32 ? 4 : 8);
        const char* data = p.dtype() == DType::Float32
                               ? reinterpret_cast<const char*>(p.value<float>().data())
                               : reinterpret_cast<const char*>(p.value<double>().data());
        out.insert(out.end(), data, data + size);
    }
    return out;
}

/// Whether every rank holds exactly the bytes of rank 0.
bool identical_on_all_ranks(const std::vector<char>& mine) {
    const int world = distributed::world_size();
    std::vector<char> all(mine.size() * static_cast<std::size_t>(world));
    MPI_Allgather(mine.data(), static_cast<int>(mine.size()), MPI_CHAR, all.data(),
                  static_cast<int>(mine.size()), MPI_CHAR, MPI_COMM_WORLD);
    for (int r = 1; r < world; ++r)
        if (std::memcmp(all.data(), all.data() + r * mine.size(), mine.size()) != 0) return false;
    return true;
}

/// max |a − b| / max |b|.
double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff = std::max(diff, std::abs(a[i] - b[i]));
        scale = std::max(scale, std::abs(b[i]));
    }
    return diff / scale;
}

void check(DType dtype, double tolerance, std::size_t bucket_bytes) {
    const std::string name =
        std::string(dtype_name(dtype)) + ", buckets of " + std::to_string(bucket_bytes) + " bytes";
    const auto dataset = make_data(dtype);
    const data::BatchSampler global =
        data::BatchSampler::mini_batch(kExamples, kBatch, false, kSeed);

    // One process on the combined batches (every rank computes it; no MPI involved).
    const auto reference = make_model(100, dtype);
    optim::SGD reference_optimizer = make_optimizer(*reference);
    data::DataLoader whole(dataset, global);
    for (std::size_t e = 0; e < kEpochs; ++e)
        for (const data::Batch& batch : whole.epoch(e)) {
            reference_optimizer.zero_grad();
            backward_on(*reference, batch);
            reference_optimizer.step();
        }

    // Data-parallel: different initial weights on every rank until the broadcast.
    const int rank = distributed::rank();
    const auto model = make_model(100 + static_cast<std::uint64_t>(rank), dtype);
    distributed::broadcast_parameters(*model);
    expect(flat(*model) == flat(*make_model(100, dtype)),
           name + ": after broadcast_parameters, rank 0's initial weights");
    optim::SGD optimizer = make_optimizer(*model);
    distributed::GradientReducer reducer(model->parameters(), bucket_bytes);
    data::DataLoader shares(
        dataset, data::DistributedSampler(global, static_cast<std::size_t>(rank),
                                          static_cast<std::size_t>(distributed::world_size())));
    std::size_t steps = 0;
    for (std::size_t e = 0; e < kEpochs; ++e)
        for (const data::Batch& batch : shares.epoch(e)) {
            optimizer.zero_grad();
            backward_on(*model, batch);
            reducer.allreduce(batch.size());
            optimizer.step();
            ++steps;
        }

    expect(reducer.stats().steps == steps && steps == kEpochs * global.batches_per_epoch(),
           name + ": one allreduce per step, the same steps as one process");
    expect(reducer.stats().mpi_calls == steps * reducer.buckets_per_step(),
           name + ": buckets_per_step() MPI_Allreduce calls per step");
    expect(identical_on_all_ranks(bytes(*model)), name + ": parameters identical bit for bit");
    const double difference = relative_difference(flat(*model), flat(*reference));
    char detail[96];
    std::snprintf(detail, sizeof detail,
                  ": relative difference %.3g to one process, expected <= %g", difference,
                  tolerance);
    expect(difference <= tolerance, name + detail);
    if (rank == 0)
        std::printf(
            "%s: %zu steps, %zu MPI_Allreduce per step, ranks identical, relative "
            "difference to one process %.3g (tolerance %g)\n",
            name.c_str(), steps, reducer.buckets_per_step(), difference, tolerance);
}

/// A parameter with a gradient on rank 0 only counts as zeros elsewhere; one without a gradient
/// on any rank keeps none.
void check_missing_gradients() {
    const Tensor some = zeros({3}, TensorOptions(DType::Float64).requires_grad(true)),
                 none = zeros({2}, TensorOptions(DType::Float64).requires_grad(true));
    if (distributed::rank() == 0) some.set_grad(full({3}, 6.0, DType::Float64));
    distributed::allreduce_gradients({some, none});
    const double expected = 6.0 / distributed::world_size();
    expect(some.grad().defined() && some.grad().to_vector() == std::vector<double>(3, expected),
           "a gradient present on rank 0 only: averaged with zeros from the other ranks");
    expect(!none.grad().defined(), "a gradient absent on every rank stays absent");
}

/// Ranks passing different parameters get a DistributedError on every rank instead of a
/// collective with mismatched sizes.
void check_layout_mismatch() {
    std::vector<Tensor> params{zeros({4}, requires_grad())};
    if (distributed::rank() == 1) params.push_back(zeros({2}, requires_grad()));
    std::string message;
    try {
        distributed::GradientReducer reducer(params);
    } catch (const distributed::DistributedError& e) {
        message = e.what();
    }
    expect(message.find("GradientReducer: rank ") != std::string::npos,
           "GradientReducer on different layouts: a DistributedError naming the rank, got '" +
               message + "'");
}

}  // namespace

int main(int argc, char** argv) {
    distributed::Environment mpi(argc, argv);
    if (mpi.world_size() < 2) {
        std::fprintf(stderr, "run this test with mpirun -np 2 or more (world size %d)\n",
                     mpi.world_size());
        return 1;
    }
    check(DType::Float32, 1e-5, distributed::kDefaultBucketBytes);
    check(DType::Float64, 1e-12, distributed::kDefaultBucketBytes);
    check(DType::Float32, 1e-5, 256);  // several buckets, slices across tensors
    check(DType::Float64, 1e-12, 256);
    check_missing_gradients();
    check_layout_mismatch();
    int all_failures = failures;
    MPI_Allreduce(MPI_IN_PLACE, &all_failures, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    return all_failures == 0 ? 0 : 1;
}
