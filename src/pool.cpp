#include "pool.hpp"

#include <cstdint>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace xgrad::detail {
namespace {

/// Buffers are kept per exact element count: training repeats the same shapes every step, so
/// each step finds the buffers of the last one. Small ones spare posix_memalign; large ones
/// spare the page faults of fresh memory (glibc returns freed large blocks to the system, and
/// touching them again faults every page in) — a caching allocator like PyTorch's on GPUs.
/// Bounded: at most kPerSize buffers of one size, kMaxBuckets sizes, kMaxTotalBytes in all, per
/// thread and dtype; a buffer above kMaxBytes is never kept. A wide MLP step frees more than a
/// handful of same-size activations and gradients at once: keeping only a few let the rest go back
/// to the system, and the next step page-faulted them in again (a quarter of its time).
constexpr std::size_t kMaxBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxTotalBytes = 128 * 1024 * 1024;
constexpr std::size_t kMaxBuckets = 64;
constexpr std::size_t kPerSize = 16;

template <class T>
struct ArrayPool {
    std::vector<std::pair<std::size_t, std::vector<xt::xarray<T>>>> buckets;
    std::size_t bytes = 0;

    std::vector<xt::xarray<T>>* bucket(std::size_t size, bool create) {
        std::vector<xt::xarray<T>>* empty = nullptr;
        for (auto& [n, arrays] : buckets) {
            if (n == size) return &arrays;
            if (!empty && arrays.empty()) empty = &arrays;
        }
        if (!create) return nullptr;
        if (buckets.size() < kMaxBuckets) {
            buckets.emplace_back(size, std::vector<xt::xarray<T>>{});
            return &buckets.back().second;
        }
        if (!empty) return nullptr;
        for (auto& [n, arrays] : buckets)  // reuse an empty bucket for the new size
            if (&arrays == empty) n = size;
        return empty;
    }
};

struct Pools {
    ArrayPool<float> f;
    ArrayPool<double> d;
    /// Index maps (max pooling's argmax, embedding's rows, ...), any size, at most kPerSize.
    std::vector<std::vector<std::int64_t>> index_maps;
    ~Pools();
    template <class T>
    ArrayPool<T>& of() {
        if constexpr (std::is_same_v<T, float>)
            return f;
        else
            return d;
    }
};

bool& pools_alive() {
    thread_local bool alive = true;  // trivially destructible: readable during thread exit
    return alive;
}

Pools::~Pools() { pools_alive() = false; }

Pools& pools() {
    thread_local Pools p;
    return p;
}

template <class T>
void give(xt::xarray<T>& a) {
    const std::size_t size = a.size(), bytes = size * sizeof(T);
    if (size == 0 || bytes > kMaxBytes || !pools_alive()) return;
    ArrayPool<T>& pool = pools().of<T>();
    if (pool.bytes + bytes > kMaxTotalBytes) return;
    auto* arrays = pool.bucket(size, true);
    if (!arrays || arrays->size() >= kPerSize) return;
    arrays->push_back(std::move(a));
    pool.bytes += bytes;
}

}  // namespace

}  // namespace xgrad::detail

namespace xgrad {

template <class T>
xt::xarray<T> new_array(const Shape& shape) {
    using namespace detail;
    std::size_t size = 1;
    for (auto d : shape) size *= d;
    if (size > 0 && size * sizeof(T) <= kMaxBytes && pools_alive()) {
        ArrayPool<T>& pool = pools().of<T>();
        if (auto* arrays = pool.bucket(size, false); arrays && !arrays->empty()) {
            // Prefer a buffer of the very shape (no strides to recompute), else any of the size.
            auto it = arrays->end() - 1;
            for (auto i = arrays->rbegin(); i != arrays->rend(); ++i)
                if (i->shape() == shape) {
                    it = std::prev(i.base());
                    break;
                }
            xt::xarray<T> a = std::move(*it);
            if (it != arrays->end() - 1) *it = std::move(arrays->back());
            arrays->pop_back();
            pool.bytes -= size * sizeof(T);
            if (a.shape() != shape) a.resize(shape);  // same element count: keeps the buffer
            return a;
        }
    }
    return xt::xarray<T>::from_shape(shape);
}

template xt::xarray<float> new_array<float>(const Shape&);
template xt::xarray<double> new_array<double>(const Shape&);

}  // namespace xgrad

namespace xgrad::detail {

void recycle(Array& value) noexcept {
    try {
        std::visit([](auto& a) { give(a); }, value);
    } catch (...) {  // no room for the bookkeeping: the buffer is simply freed
    }
}

std::shared_ptr<std::vector<std::int64_t>> new_index_map(std::size_t size) {
    auto map = std::make_unique<std::vector<std::int64_t>>();
    if (pools_alive()) {
        auto& kept = pools().index_maps;
        for (auto& v : kept)
            if (v.size() == size) {
                *map = std::move(v);
                v = std::move(kept.back());
                kept.pop_back();
                break;
            }
    }
    if (map->size() != size) map->resize(size);
    return std::shared_ptr<std::vector<std::int64_t>>(
        map.release(), [](std::vector<std::int64_t>* dying) {
            std::unique_ptr<std::vector<std::int64_t>> owned(dying);
            if (dying->empty() || dying->size() * sizeof(std::int64_t) > kMaxBytes ||
                !pools_alive())
                return;
            try {
                auto& kept = pools().index_maps;
                if (kept.size() < kPerSize) kept.push_back(std::move(*dying));
            } catch (...) {  // no room for the bookkeeping: the buffer is simply freed
            }
        });
}

}  // namespace xgrad::detail
