#include "xgrad/distributed/environment.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>

#include "mpi_util.hpp"

namespace xgrad::distributed {

namespace {

// Installed by an owning Environment: an exception that escapes main() ends up here (with no
// handler the C++ runtime does not unwind), and MPI_Abort makes mpirun stop the other ranks.
void abort_on_terminate() {
    std::string reason = "std::terminate was called";
    if (const std::exception_ptr error = std::current_exception()) {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            reason = std::string("uncaught exception: ") + e.what();
        } catch (...) {
            reason = "uncaught exception of unknown type";
        }
    }
    abort_all(reason);
}

}  // namespace

Environment::Environment(int& argc, char**& argv) { start(&argc, &argv); }

Environment::Environment() { start(nullptr, nullptr); }

void Environment::start(int* argc, char*** argv) {
    int running = 0, finalized = 0;
    MPI_Initialized(&running);
    MPI_Finalized(&finalized);
    if (finalized)
        throw DistributedError(
            "distributed::Environment: MPI was already finalized in this process and cannot be "
            "started again");
    if (!running) {
        detail::check(MPI_Init(argc, argv), "distributed::Environment: MPI_Init");
        owns_ = true;
        // Errors come back as codes (turned into DistributedError) instead of killing the rank.
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        previous_ = std::set_terminate(abort_on_terminate);
        uncaught_ = std::uncaught_exceptions();
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size_);
}

Environment::~Environment() {
    if (!owns_) return;
    // Finalizing here would leave the other ranks waiting in their next collective.
    if (std::uncaught_exceptions() > uncaught_)
        abort_all("an exception is propagating out of the distributed::Environment scope");
    std::set_terminate(previous_);
    MPI_Finalize();
}

bool is_initialized() {
    int running = 0, finalized = 0;
    MPI_Initialized(&running);
    MPI_Finalized(&finalized);
    return running && !finalized;
}

int rank() {
    detail::require_running("distributed::rank");
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int world_size() {
    detail::require_running("distributed::world_size");
    int w = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &w);
    return w;
}

void abort_all(const std::string& reason, int code) {
    if (is_initialized()) {
        std::fprintf(stderr, "xgrad: rank %d of %d: %s; aborting all ranks\n", rank(), world_size(),
                     reason.c_str());
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, code);
    } else {
        std::fprintf(stderr, "xgrad: %s; aborting\n", reason.c_str());
        std::fflush(stderr);
    }
    std::abort();
}

}  // namespace xgrad::distributed
