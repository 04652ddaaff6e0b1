#include <string>
#include <xtensor/xarray.hpp>
#include <xtensor/xbuilder.hpp>

#include "mpi_util.hpp"
#include "xgrad/distributed/collectives.hpp"
#include "xgrad/distributed/environment.hpp"
#include "xgrad/error.hpp"

namespace xgrad::distributed {

namespace {

DistributedError no_examples() {
    return DistributedError("GradientReducer::allreduce: no rank had an example (rank " +
                            std::to_string(rank()) + " of " + std::to_string(world_size()) +
                            "); expected a positive example count on some rank");
}

/// The parameters of one element type and their flat buffer: every gradient times the local
/// example count, then one flag per parameter (1 if this rank has its gradient), then the count.
/// Summed over the ranks, the flags tell which gradients exist anywhere and the count is N.
template <class T>
struct FlatGradients {
    std::vector<Tensor> params;
    std::size_t values = 0;
    std::vector<T> buffer;

    explicit FlatGradients(std::vector<Tensor> p)
        : params(std::move(p)),
          values(detail::total_elements(params)),
          buffer(params.empty() ? 0 : values + params.size() + 1) {}

    void pack(std::size_t local_examples) {
        if (buffer.empty()) return;
        const T weight = static_cast<T>(local_examples);
        T* out = buffer.data();
        T* flags = buffer.data() + values;
        for (std::size_t i = 0; i < params.size(); ++i) {
            const std::size_t n = params[i].numel();
            const Tensor grad = params[i].grad();
            flags[i] = grad.defined() ? T(1) : T(0);
            if (grad.defined()) {
                const T* in = grad.value<T>().data();
                for (std::size_t j = 0; j < n; ++j) out[j] = weight * in[j];
            } else {
                std::fill(out, out + n, T(0));
            }
            out += n;
        }
        buffer.back() = weight;
    }

    void unpack() {
        if (buffer.empty()) return;
        const T total = buffer.back();
        if (total == T(0)) throw no_examples();
        const T* in = buffer.data();
        const T* flags = buffer.data() + values;
        for (std::size_t i = 0; i < params.size(); ++i) {
            const std::size_t n = params[i].numel();
            if (flags[i] == T(0)) {
                params[i].zero_grad();  // no rank has it: stays undefined, as in one process
            } else {
                // A new tensor: the old gradient may be shared with another tensor.
                xt::xarray<T> grad = xt::empty<T>(params[i].shape());
                for (std::size_t j = 0; j < n; ++j) grad.data()[j] = in[j] / total;
                params[i].set_grad(Tensor(std::move(grad)));
            }
            in += n;
        }
    }
};

}  // namespace

struct GradientReducer::Impl {
    FlatGradients<float> f32;
    FlatGradients<double> f64;
    std::size_t bucket_bytes;
    int world_size;
    ReducerStats stats;

    template <class T>
    void reduce(FlatGradients<T>& flat) {
        const double start = MPI_Wtime();
        detail::for_each_bucket(
            flat.buffer.data(), flat.buffer.size(), bucket_bytes, [&](T* data, int count) {
                detail::check(MPI_Allreduce(MPI_IN_PLACE, data, count, detail::mpi_type<T>(),
                                            MPI_SUM, MPI_COMM_WORLD),
                              "GradientReducer::allreduce: MPI_Allreduce");
                ++stats.mpi_calls;
            });
        stats.mpi_seconds += MPI_Wtime() - start;
    }
};

namespace {

std::vector<Tensor> trainable(std::vector<Tensor> parameters) {
    std::vector<Tensor> out;
    for (Tensor& p : parameters)
        if (p.defined() && p.requires_grad()) out.push_back(std::move(p));
    return out;
}

}  // namespace

GradientReducer::GradientReducer(std::vector<Tensor> parameters, std::size_t bucket_bytes) {
    if (bucket_bytes < sizeof(double))
        throw ValueError("GradientReducer: a bucket of " + std::to_string(bucket_bytes) +
                         " bytes cannot hold one value; expected at least 8");
    const std::vector<Tensor> params = trainable(std::move(parameters));
    detail::check_same_layout("GradientReducer", params);
    impl_ = std::make_unique<Impl>(Impl{FlatGradients<float>(detail::of_dtype<float>(params)),
                                        FlatGradients<double>(detail::of_dtype<double>(params)),
                                        bucket_bytes,
                                        world_size(),
                                        {}});
}

GradientReducer::~GradientReducer() = default;
GradientReducer::GradientReducer(GradientReducer&&) noexcept = default;
GradientReducer& GradientReducer::operator=(GradientReducer&&) noexcept = default;

void GradientReducer::allreduce(std::size_t local_examples) {
    // Counts travel in the float32 buffer too, where integers are exact up to 2^24.
    if (local_examples > (std::size_t{1} << 24))
        throw ValueError("GradientReducer::allreduce: " + std::to_string(local_examples) +
                         " local examples exceed the exactly representable 2^24");
    const double start = MPI_Wtime();
    if (impl_->world_size == 1) {  // the average of one rank's gradients is its own
        if (local_examples == 0) throw no_examples();
        ++impl_->stats.steps;
        return;
    }
    impl_->f32.pack(local_examples);
    impl_->f64.pack(local_examples);
    impl_->reduce(impl_->f32);
    impl_->reduce(impl_->f64);
    impl_->f32.unpack();
    impl_->f64.unpack();
    ++impl_->stats.steps;
    impl_->stats.total_seconds += MPI_Wtime() - start;
}

std::size_t GradientReducer::buckets_per_step() const {
    if (impl_->world_size == 1) return 0;
    return detail::bucket_count<float>(impl_->f32.buffer.size(), impl_->bucket_bytes) +
           detail::bucket_count<double>(impl_->f64.buffer.size(), impl_->bucket_bytes);
}

const ReducerStats& GradientReducer::stats() const { return impl_->stats; }

void GradientReducer::reset_stats() { impl_->stats = {}; }

void allreduce_gradients(const std::vector<Tensor>& parameters, std::size_t local_examples,
                         std::size_t bucket_bytes) {
    GradientReducer(parameters, bucket_bytes).allreduce(local_examples);
}

}  // namespace xgrad::distributed
