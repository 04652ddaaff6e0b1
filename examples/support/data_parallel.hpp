#pragma once
// Data-parallel training for the examples: one rank of an mpirun job through xgrad's MPI
// component (xgrad/distributed.hpp) when the library has it, or a single process. Without MPI in
// the build, asking for it is a clear error instead of N independent copies of the same run.

#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>
#include <xgrad/data.hpp>
#include <xgrad/nn.hpp>
#include <xgrad/parallel.hpp>
#if XGRAD_HAS_MPI
#include <xgrad/distributed.hpp>
#endif

namespace examples {

/// Whether mpirun started this process as one of several (Open MPI, or MPICH's Hydra).
inline bool launched_by_mpirun() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
        if (const char* value = std::getenv(name); value && std::atoi(value) > 1) return true;
    return false;
}

class DataParallel {
public:
    /// Starts MPI when `enabled`; otherwise this is a single process (rank 0 of 1).
    explicit DataParallel(bool enabled) {
        if (!enabled) return;
#if XGRAD_HAS_MPI
        mpi_.emplace();
        rank_ = mpi_->rank();
        size_ = mpi_->world_size();
        // The ranks share the machine's cores: one thread each unless the user says otherwise
        // (mpirun -x OPENBLAS_NUM_THREADS=k).
        if (!std::getenv("OPENBLAS_NUM_THREADS")) xgrad::set_num_threads(1);
#else
        throw std::runtime_error(
            "data-parallel training (--distributed, or started by mpirun) needs xgrad built with "
            "MPI: install libopenmpi-dev and openmpi-bin, configure with -DXGRAD_MPI=ON, rebuild");
#endif
    }

    /// Whether this process is one rank of an MPI job.
    bool active() const {
#if XGRAD_HAS_MPI
        return mpi_.has_value();
#else
        return false;
#endif
    }
    int rank() const { return rank_; }
    int size() const { return size_; }
    /// Rank 0 prints, evaluates and writes files.
    bool leader() const { return rank_ == 0; }

    /// This rank's loader: its share of every batch of `global` (all of it in a single process).
    xgrad::data::DataLoader loader(std::shared_ptr<const xgrad::data::Dataset> dataset,
                                   const xgrad::data::BatchSampler& global) const {
        if (!active()) return xgrad::data::DataLoader(std::move(dataset), global);
        return xgrad::data::DataLoader(
            std::move(dataset),
            xgrad::data::DistributedSampler(global, static_cast<std::size_t>(rank_),
                                            static_cast<std::size_t>(size_)));
    }

    /// Gives every rank rank 0's parameters and prepares the gradient averaging.
    void start(xgrad::nn::Module& model) {
#if XGRAD_HAS_MPI
        if (!active()) return;
        xgrad::distributed::broadcast_parameters(model);
        reducer_.emplace(model.parameters());
#else
        (void)model;
#endif
    }

    /// Averages the gradients over the ranks, weighted by their example counts; call it after
    /// backward and before the optimizer step. Nothing to do in a single process.
    void average_gradients(std::size_t local_examples) {
#if XGRAD_HAS_MPI
        if (reducer_) reducer_->allreduce(local_examples);
#else
        (void)local_examples;
#endif
    }

    /// Sums `values` over the ranks, in place (a loss sum and an example count, say).
    void sum(std::vector<double>& values) const {
#if XGRAD_HAS_MPI
        if (active()) xgrad::distributed::allreduce_sum(values.data(), values.size());
#else
        (void)values;
#endif
    }

    /// Wall time in average_gradients() so far, and the part of it inside MPI_Allreduce.
    std::pair<double, double> allreduce_seconds() const {
#if XGRAD_HAS_MPI
        if (reducer_) return {reducer_->stats().total_seconds, reducer_->stats().mpi_seconds};
#endif
        return {0.0, 0.0};
    }

private:
#if XGRAD_HAS_MPI
    std::optional<xgrad::distributed::Environment> mpi_;
    std::optional<xgrad::distributed::GradientReducer> reducer_;
#endif
    int rank_ = 0;
    int size_ = 1;
};

}  // namespace examples
