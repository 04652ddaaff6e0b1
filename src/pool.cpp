#include "pool.hpp"

#include <utility>
#include <vector>

namespace xgrad::detail {
namespace {

/// Arrays of up to kMaxBytes, kept per exact element count, at most kPerSize of each and
/// kMaxTotalBytes in all (per thread and dtype).
constexpr std::size_t kMaxBytes = 16 * 1024;
constexpr std::size_t kPerSize = 16;
constexpr std::size_t kMaxTotalBytes = 4 * 1024 * 1024;

template <class T>
struct ArrayPool {
    std::vector<std::pair<std::size_t, std::vector<xt::xarray<T>>>> buckets;
    std::size_t bytes = 0;

    std::vector<xt::xarray<T>>* bucket(std::size_t size, bool create) {
        for (auto& [n, arrays] : buckets)
            if (n == size) return &arrays;
        if (!create) return nullptr;
        buckets.emplace_back(size, std::vector<xt::xarray<T>>{});
        buckets.back().second.reserve(kPerSize);
        return &buckets.back().second;
    }
};

struct Pools {
    ArrayPool<float> f;
    ArrayPool<double> d;
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
    const std::size_t size = a.size();
    if (size == 0 || size * sizeof(T) > kMaxBytes || !pools_alive()) return;
    ArrayPool<T>& pool = pools().of<T>();
    if (pool.bytes + size * sizeof(T) > kMaxTotalBytes) return;
    auto* arrays = pool.bucket(size, true);
    if (arrays->size() >= kPerSize) return;
    arrays->push_back(std::move(a));
    pool.bytes += size * sizeof(T);
}

}  // namespace

template <class T>
xt::xarray<T> new_array(const Shape& shape) {
    std::size_t size = 1;
    for (auto d : shape) size *= d;
    if (size > 0 && size * sizeof(T) <= kMaxBytes && pools_alive()) {
        ArrayPool<T>& pool = pools().of<T>();
        if (auto* arrays = pool.bucket(size, false); arrays && !arrays->empty()) {
            xt::xarray<T> a = std::move(arrays->back());
            arrays->pop_back();
            pool.bytes -= size * sizeof(T);
            a.resize(shape);  // same element count: keeps the buffer
            return a;
        }
    }
    return xt::xarray<T>::from_shape(shape);
}

template xt::xarray<float> new_array<float>(const Shape&);
template xt::xarray<double> new_array<double>(const Shape&);

void recycle(Array& value) noexcept {
    try {
        std::visit([](auto& a) { give(a); }, value);
    } catch (...) {  // no room for the bookkeeping: the buffer is simply freed
    }
}

}  // namespace xgrad::detail
