#include <algorithm>
#include <string>

#include "mpi_util.hpp"
#include "xgrad/distributed/collectives.hpp"
#include "xgrad/error.hpp"

namespace xgrad::distributed {

namespace {

/// Broadcasts the values of the tensors of element type T through one flat buffer.
template <class T>
void broadcast_flat(const std::vector<Tensor>& all, int root, int me, std::size_t bucket_bytes) {
    const std::vector<Tensor> tensors = detail::of_dtype<T>(all);
    std::vector<T> buffer(detail::total_elements(tensors));
    if (buffer.empty()) return;
    T* cursor = buffer.data();
    if (me == root)
        for (const Tensor& t : tensors)
            cursor = std::copy_n(t.value<T>().data(), t.numel(), cursor);
    detail::for_each_bucket(buffer.data(), buffer.size(), bucket_bytes, [&](T* data, int count) {
        detail::check(MPI_Bcast(data, count, detail::mpi_type<T>(), root, MPI_COMM_WORLD),
                      "distributed::broadcast: MPI_Bcast");
    });
    if (me == root) return;
    const T* in = buffer.data();
    for (Tensor t : tensors) {  // a copy of the handle: value() of a non-const Tensor
        std::copy_n(in, t.numel(), t.value<T>().data());  // in place: other handles see it
        in += t.numel();
    }
}

}  // namespace

void broadcast(const std::vector<Tensor>& tensors, int root, std::size_t bucket_bytes) {
    detail::check_same_layout("distributed::broadcast", tensors);
    int me = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (root < 0 || root >= size)
        throw ValueError("distributed::broadcast: root " + std::to_string(root) +
                         " is not a rank of a world of " + std::to_string(size));
    broadcast_flat<float>(tensors, root, me, bucket_bytes);
    broadcast_flat<double>(tensors, root, me, bucket_bytes);
}

void broadcast_parameters(const nn::Module& module, int root) {
    std::vector<Tensor> tensors = module.parameters();
    for (const Tensor& b : module.buffers()) tensors.push_back(b);
    broadcast(tensors, root);
}

void allreduce_sum(double* values, std::size_t count) {
    detail::require_running("distributed::allreduce_sum");
    detail::for_each_bucket(values, count, kDefaultBucketBytes, [](double* data, int n) {
        detail::check(MPI_Allreduce(MPI_IN_PLACE, data, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD),
                      "distributed::allreduce_sum: MPI_Allreduce");
    });
}

}  // namespace xgrad::distributed
