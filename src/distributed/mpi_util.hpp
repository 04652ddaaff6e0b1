#pragma once
// What the distributed sources share: MPI error codes turned into exceptions, the MPI type of an
// element type, the tensors of one dtype, the slicing of a flat buffer into buckets, and the check
// that every rank passes the same tensors (a mismatch would make the collectives disagree on
// sizes, which MPI does not detect reliably: it corrupts or hangs).

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad::distributed::detail {

/// Throws DistributedError "<function>: <MPI's message> (rank r of W)" unless rc is MPI_SUCCESS.
void check(int rc, const char* function);
/// DistributedError naming `function` unless MPI is running.
void require_running(const char* function);
/// DistributedError on every rank, naming `function`, this rank's layout and the range over the
/// ranks, unless all ranks pass tensors of the same count, dtypes and shapes, in the same order.
void check_same_layout(const char* function, const std::vector<Tensor>& tensors);

template <class T>
MPI_Datatype mpi_type() {
    return std::is_same_v<T, float> ? MPI_FLOAT : MPI_DOUBLE;
}

template <class T>
DType dtype_of() {
    return std::is_same_v<T, float> ? DType::Float32 : DType::Float64;
}

/// The tensors of element type T, in order.
template <class T>
std::vector<Tensor> of_dtype(const std::vector<Tensor>& tensors) {
    std::vector<Tensor> out;
    for (const Tensor& t : tensors)
        if (t.dtype() == dtype_of<T>()) out.push_back(t);
    return out;
}

inline std::size_t total_elements(const std::vector<Tensor>& tensors) {
    std::size_t n = 0;
    for (const Tensor& t : tensors) n += t.numel();
    return n;
}

/// Elements of T per bucket: bucket_bytes' worth, at least 1, at most INT_MAX (MPI's count type).
template <class T>
std::size_t bucket_elements(std::size_t bucket_bytes) {
    return std::clamp<std::size_t>(bucket_bytes / sizeof(T), 1, static_cast<std::size_t>(INT_MAX));
}

/// Calls call(first, count) for consecutive slices of data[0..size) of bucket_elements<T>() at
/// most: one collective per slice.
template <class T, class Call>
void for_each_bucket(T* data, std::size_t size, std::size_t bucket_bytes, Call&& call) {
    const std::size_t per = bucket_elements<T>(bucket_bytes);
    for (std::size_t offset = 0; offset < size; offset += per)
        call(data + offset, static_cast<int>(std::min(per, size - offset)));
}

/// Number of slices for_each_bucket() makes.
template <class T>
std::size_t bucket_count(std::size_t size, std::size_t bucket_bytes) {
    const std::size_t per = bucket_elements<T>(bucket_bytes);
    return (size + per - 1) / per;
}

}  // namespace xgrad::distributed::detail
