#pragma once
/// \file collectives.hpp
/// The collective steps of data-parallel training (Horovod's and PyTorch DDP's scheme): copy the
/// parameters of rank 0 to every rank once at the start, then after each backward pass average
/// the gradients of all ranks, so that every rank applies the same update and the replicas stay
/// identical bit for bit.
///
///     distributed::Environment mpi(argc, argv);
///     distributed::broadcast_parameters(model);
///     distributed::GradientReducer reducer(model.parameters());
///     for (const data::Batch& batch : loader) {          // DataLoader over a DistributedSampler
///         optimizer.zero_grad();
///         if (batch.size() > 0) loss_of(batch).backward();
///         reducer.allreduce(batch.size());                // before optimizer.step()
///         optimizer.step();
///     }
///
/// Tensors travel as flattened buckets: all float32 tensors packed into one contiguous buffer
/// (likewise float64), sent in slices of at most `bucket_bytes` with one MPI call per slice, not
/// one call per tensor.

#include <cstddef>
#include <memory>
#include <vector>

#include "xgrad/nn/module.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::distributed {

/// Default bucket size: a few MB, large enough that per-call latency is negligible and small
/// enough to keep the temporary buffers modest.
inline constexpr std::size_t kDefaultBucketBytes = std::size_t{4} << 20;

/// Time and traffic of a GradientReducer since construction (or reset_stats()).
struct ReducerStats {
    /// allreduce() calls.
    std::size_t steps = 0;
    /// MPI_Allreduce calls (buckets × dtypes × steps).
    std::size_t mpi_calls = 0;
    /// Wall time inside MPI_Allreduce, including waiting for slower ranks.
    double mpi_seconds = 0;
    /// Wall time of allreduce() as a whole: packing, MPI_Allreduce, unpacking.
    double total_seconds = 0;
};

/// Averages the gradients of a fixed list of parameters across all ranks. Keeps its flat buffers
/// from step to step; build it once, after broadcast_parameters().
///
/// The average is weighted by each rank's example count, so it equals the gradient of the mean
/// loss over the union of the ranks' batches even when the ranks hold different numbers of
/// examples (the last batch of an epoch under DistributedSampler): each rank contributes
/// n_r · g_r, where g_r is the gradient of its mean loss over n_r examples, and the sum is
/// divided by N = Σ n_r. With every rank passing the same count this is the plain mean of the
/// gradients (DDP's average).
///
/// Parameters with no gradient on a rank (an unused branch, or a rank with no examples) count as
/// zeros on that rank. A parameter that has no gradient on any rank keeps no gradient on every
/// rank, as it would in a single process; the optimizer then leaves it alone. Parameters that do
/// not require grad are skipped.
class GradientReducer {
public:
    /// Checks with one small collective that every rank passes the same layout (number, dtypes
    /// and sizes of the parameters): DistributedError on every rank otherwise. ValueError for a
    /// bucket size smaller than one float64 value.
    explicit GradientReducer(std::vector<Tensor> parameters,
                             std::size_t bucket_bytes = kDefaultBucketBytes);
    ~GradientReducer();
    GradientReducer(GradientReducer&&) noexcept;
    GradientReducer& operator=(GradientReducer&&) noexcept;

    /// Replaces every parameter's gradient by the weighted average over the ranks; call it on
    /// every rank, after backward and before optimizer.step(). `local_examples` is the number of
    /// examples this rank's loss is the mean over (0 for a rank without examples this step).
    /// DistributedError if no rank had an example.
    void allreduce(std::size_t local_examples = 1);

    /// MPI_Allreduce calls per allreduce() (none in a world of one rank, where allreduce()
    /// leaves the gradients as they are).
    std::size_t buckets_per_step() const;
    const ReducerStats& stats() const;
    void reset_stats();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One-off GradientReducer(parameters, bucket_bytes).allreduce(local_examples); in a training
/// loop keep a GradientReducer instead (it checks the layout once and reuses its buffers).
void allreduce_gradients(const std::vector<Tensor>& parameters, std::size_t local_examples = 1,
                         std::size_t bucket_bytes = kDefaultBucketBytes);

/// Copies the values of `tensors` on rank `root` into the same tensors on every other rank, in
/// place (handles held by an optimizer see the new values), as flattened buckets with one
/// MPI_Bcast per bucket. Every rank must pass the same layout: DistributedError otherwise.
void broadcast(const std::vector<Tensor>& tensors, int root = 0,
               std::size_t bucket_bytes = kDefaultBucketBytes);
/// broadcast() of the module's parameters and buffers: call it once after building the model,
/// so that every rank starts from rank 0's initial weights (or checkpoint).
void broadcast_parameters(const nn::Module& module, int root = 0);

/// Sums `values[0..count)` over all ranks, in place (for metrics: a loss sum and an example
/// count, say).
void allreduce_sum(double* values, std::size_t count);

}  // namespace xgrad::distributed
