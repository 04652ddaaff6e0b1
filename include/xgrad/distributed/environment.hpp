#pragma once
/// \file environment.hpp
/// The MPI process group of a data-parallel job: start and stop MPI (RAII), this process's rank
/// and the number of processes, and stopping the whole job when one process fails, so that the
/// others never wait forever in a collective call.

#include <exception>
#include <stdexcept>
#include <string>

#include "xgrad/error.hpp"

namespace xgrad::distributed {

/// An MPI call failed, the ranks disagree (different parameter layouts), or MPI is not running.
/// The message names the function, the rank and what was expected.
class DistributedError : public xgrad::detail::ErrorOf<std::runtime_error> {
    using ErrorOf::ErrorOf;
};

/// Starts MPI in its constructor and stops it in its destructor; create one at the top of main(),
/// before any other distributed call:
///
///     int main(int argc, char** argv) {
///         distributed::Environment mpi(argc, argv);
///         ...
///     }
///
/// Fault handling, so that no rank is left waiting in a collective for a peer that is gone:
/// - MPI errors come back as DistributedError exceptions instead of killing the process silently;
/// - an exception that escapes main() (std::terminate) prints "xgrad: rank r of W: <what()>" and
///   calls MPI_Abort, which makes mpirun stop every rank;
/// - if the Environment is destroyed while an exception propagates through it (a catch outside
///   its scope), it calls MPI_Abort instead of MPI_Finalize, for the same reason;
/// - a rank that crashes or exits without MPI_Finalize is noticed by mpirun, which stops the
///   others.
///
/// If MPI is already running (started by the caller), the Environment neither starts nor stops
/// it, and installs no handler.
class Environment {
public:
    Environment(int& argc, char**& argv);
    /// Starts MPI without the command line (MPI allows that).
    Environment();
    ~Environment();
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;

    int rank() const { return rank_; }
    int world_size() const { return world_size_; }

private:
    void start(int* argc, char*** argv);

    bool owns_ = false;
    int uncaught_ = 0;
    int rank_ = 0;
    int world_size_ = 1;
    std::terminate_handler previous_ = nullptr;
};

/// Whether MPI is running (between MPI_Init and MPI_Finalize).
bool is_initialized();
/// This process's rank in MPI_COMM_WORLD. DistributedError when MPI is not running.
int rank();
/// Number of processes in MPI_COMM_WORLD. DistributedError when MPI is not running.
int world_size();

/// Prints "xgrad: rank r of W: <reason>; aborting all ranks" to stderr and stops the whole job
/// with MPI_Abort(MPI_COMM_WORLD, code). Without MPI running, std::abort().
[[noreturn]] void abort_all(const std::string& reason, int code = 1);

}  // namespace xgrad::distributed
