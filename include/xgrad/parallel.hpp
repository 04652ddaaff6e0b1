#pragma once
/// \file parallel.hpp
/// How many threads one op may use. Elementwise ops, their gradients, large sums, normalization,
/// pooling, a convolution's chunks of examples and large matrix products (in bands, each on one
/// BLAS thread) split their work across xgrad's own workers, which sleep between ops. xgrad's
/// products do not use OpenBLAS's threads: those spin for a while after each product, taking a
/// core from the workers' next pass. One setting governs both, as torch.set_num_threads does.

#include <algorithm>
#include <cstddef>
#include <functional>

namespace xgrad {

/// Sets the threads of one op: xgrad's workers, and OpenBLAS's (set_blas_threads) for code that
/// calls BLAS itself. ValueError
/// unless threads >= 1. The default is OpenBLAS's own count when the program starts (all cores,
/// or OPENBLAS_NUM_THREADS / OMP_NUM_THREADS).
void set_num_threads(int threads);

/// The threads one op may use (see set_num_threads).
int get_num_threads();

namespace detail {

/// Arrays below this many elements per thread stay on the calling thread: waking a worker costs
/// some microseconds, a pass over 32K floats about as much.
constexpr std::size_t kParallelGrain = 32768;
/// A multiple of every SIMD width, in elements.
constexpr std::size_t kParallelAlign = 64;

/// Runs `chunk(c)` for c in [0, chunks), on the calling thread and the workers; returns when all
/// have finished. Inline when there is one chunk, one thread, or the pool is busy (a nested call,
/// or another thread's op).
void run_chunks(std::size_t chunks, const std::function<void(std::size_t)>& chunk);

/// Threads an op may use (set_num_threads).
int op_threads();

/// Calls `body(begin, end)` on contiguous ranges covering [0, n), split across the threads when
/// there are at least two `grain`s of work. Each index belongs to exactly one range, so a body
/// that writes only its own range's outputs needs no synchronisation. Ranges start at multiples
/// of `align`: with the default (a multiple of every SIMD width) a vectorised body treats every
/// element as one pass over [0, n) would, so results do not depend on the thread count.
template <class Body>
void parallel_for(std::size_t n, const Body& body, std::size_t grain = kParallelGrain,
                  std::size_t align = kParallelAlign) {
    const std::size_t chunks =
        std::min<std::size_t>(static_cast<std::size_t>(op_threads()), n / grain);
    if (chunks <= 1) {
        body(std::size_t(0), n);
        return;
    }
    const auto boundary = [&](std::size_t c) {
        return c == chunks ? n : n * c / chunks / align * align;
    };
    run_chunks(chunks, [&](std::size_t c) { body(boundary(c), boundary(c + 1)); });
}

}  // namespace detail

}  // namespace xgrad
