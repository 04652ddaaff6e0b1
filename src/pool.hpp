#pragma once
// Per-thread recycling of the two things every op allocates: its node and its value's buffer.
// Per-example training builds and frees a few dozen tiny tensors per step; with glibc, each
// 64-byte-aligned xtensor buffer costs a posix_memalign (no thread cache) and a graph freed at
// once overflows the malloc thread cache, which together took about half of a logistic
// regression step. Large buffers freed by glibc go back to the system, and the next step pays a
// page fault per 4 KB to touch them again. Reusing same-size blocks makes all of it a pop.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>
#include <xtensor/xarray.hpp>
#include <xtensor/xnoalias.hpp>

#include "xgrad/function.hpp"

namespace xgrad::detail {

using xgrad::new_array;

/// A vector of `size` index entries with unspecified contents, for an op's index map; when the
/// last holder lets go its buffer goes back to the pool of the thread that lets go.
std::shared_ptr<std::vector<std::int64_t>> new_index_map(std::size_t size);

/// Keeps the buffer of a dying tensor's value for new_array (when the pool has room); leaves
/// `value` empty either way.
void recycle(Array& value) noexcept;

/// Fixed-size blocks on a per-thread free list, for std::allocate_shared of nodes. A block freed
/// on another thread joins that thread's list; the lists are bounded and freed at thread exit.
template <std::size_t Size>
class BlockPool {
public:
    static void* take() {
        State& s = state();
        if (s.head) {
            Link* block = s.head;
            s.head = block->next;
            --s.count;
            return block;
        }
        return ::operator new(Size);
    }

    static void give(void* block) noexcept {
        if (!alive() || state().count >= kMaxBlocks) {
            ::operator delete(block);
            return;
        }
        State& s = state();
        s.head = new (block) Link{s.head};
        ++s.count;
    }

private:
    static constexpr std::size_t kMaxBlocks = 4096;
    struct Link {
        Link* next;
    };
    static_assert(Size >= sizeof(Link), "blocks hold a free-list link");
    struct State {
        Link* head = nullptr;
        std::size_t count = 0;
        ~State() {
            alive() = false;
            while (head) {
                Link* next = head->next;
                ::operator delete(head);
                head = next;
            }
        }
    };
    // Trivially destructible, so still readable while (and after) thread_local objects are
    // destroyed: nodes freed after the list itself go straight back to operator delete.
    static bool& alive() {
        thread_local bool value = true;
        return value;
    }
    static State& state() {
        thread_local State s;
        return s;
    }
};

/// std::allocator-compatible: single objects come from BlockPool<sizeof(T)>.
template <class T>
struct PoolAllocator {
    using value_type = T;
    PoolAllocator() = default;
    template <class U>
    PoolAllocator(const PoolAllocator<U>&) noexcept {}  // NOLINT: rebinding is implicit
    T* allocate(std::size_t n) {
        static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "over-aligned type");
        if (n == 1) return static_cast<T*>(BlockPool<sizeof(T)>::take());
        return std::allocator<T>().allocate(n);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n == 1)
            BlockPool<sizeof(T)>::give(p);
        else
            std::allocator<T>().deallocate(p, n);
    }
    template <class U>
    bool operator==(const PoolAllocator<U>&) const noexcept {
        return true;
    }
    template <class U>
    bool operator!=(const PoolAllocator<U>&) const noexcept {
        return false;
    }
};

/// A node holding `value`, allocated from the pool.
inline std::shared_ptr<Node> new_node(Array&& value) {
    return std::allocate_shared<Node>(PoolAllocator<Node>(), std::move(value));
}

/// `e` evaluated into an array of element type T: moved when it already is one, else assigned
/// into new_array (a recycled buffer when possible).
template <class T, class E>
xt::xarray<T> evaluate(E&& e) {
    if constexpr (std::is_same_v<std::decay_t<E>, xt::xarray<T>> &&
                  !std::is_lvalue_reference_v<E>) {
        return std::move(e);
    } else {
        xt::xarray<T> out = new_array<T>(Shape(e.shape().begin(), e.shape().end()));
        xt::noalias(out) = e;
        return out;
    }
}

}  // namespace xgrad::detail
