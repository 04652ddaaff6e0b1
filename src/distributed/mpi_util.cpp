#include "mpi_util.hpp"

#include <cstdint>
#include <string>

#include "xgrad/distributed/environment.hpp"

namespace xgrad::distributed::detail {

void check(int rc, const char* function) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(rc, text, &length);
    int r = -1, w = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &w);
    throw DistributedError(std::string(function) + ": " + std::string(text, length) + " (rank " +
                           std::to_string(r) + " of " + std::to_string(w) + ")");
}

void require_running(const char* function) {
    if (!is_initialized())
        throw DistributedError(std::string(function) +
                               ": MPI is not running; create a distributed::Environment first");
}

namespace {

/// A fingerprint of the dtypes and shapes in order (FNV-1a), kept below 2^62 so that its
/// negation fits in an int64.
std::int64_t fingerprint(const std::vector<Tensor>& tensors) {
    std::uint64_t h = 1469598103934665603ull;
    const auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 1099511628211ull; };
    for (const Tensor& t : tensors) {
        mix(static_cast<std::uint64_t>(t.dtype()) + 1);
        mix(t.shape().size());
        for (std::size_t d : t.shape()) mix(d);
    }
    return static_cast<std::int64_t>(h >> 2);
}

}  // namespace

void check_same_layout(const char* function, const std::vector<Tensor>& tensors) {
    require_running(function);
    const std::int64_t mine[3] = {static_cast<std::int64_t>(tensors.size()),
                                  static_cast<std::int64_t>(total_elements(tensors)),
                                  fingerprint(tensors)};
    // One MPI_MAX over (v, -v) gives the maximum and the minimum of each value.
    std::int64_t range[6] = {mine[0], mine[1], mine[2], -mine[0], -mine[1], -mine[2]};
    check(MPI_Allreduce(MPI_IN_PLACE, range, 6, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD), function);
    if (range[0] == -range[3] && range[1] == -range[4] && range[2] == -range[5]) return;
    throw DistributedError(
        std::string(function) + ": rank " + std::to_string(rank()) + " of " +
        std::to_string(world_size()) + " passes " + std::to_string(mine[0]) + " tensors of " +
        std::to_string(mine[1]) + " values, but the ranks range from " + std::to_string(-range[3]) +
        " to " + std::to_string(range[0]) + " tensors and " + std::to_string(-range[4]) + " to " +
        std::to_string(range[1]) +
        " values (or differ in dtypes and shapes); expected every rank to pass the same model");
}

}  // namespace xgrad::distributed::detail
