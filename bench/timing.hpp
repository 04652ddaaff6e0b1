#pragma once
// Median timing: a call is repeated in blocks long enough to time reliably, and the median
// block time per call is reported, after a warm-up.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace bench {

struct TimingOptions {
    /// Timed blocks; the result is the median over them.
    std::size_t samples = 31;
    /// Each block runs the call often enough to last at least this long.
    double min_block_seconds = 2e-3;
    /// Untimed calls first (allocator, caches, BLAS buffers, lazy initialisation).
    double warmup_seconds = 0.05;
};

inline double now_seconds() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

/// Median seconds per call of `fn`.
template <class Fn>
double median_seconds(Fn&& fn, const TimingOptions& options) {
    // Warm up, and find how many calls a block needs.
    std::size_t calls = 0;
    const double start = now_seconds();
    do {
        fn();
        ++calls;
    } while (now_seconds() - start < options.warmup_seconds || calls < 2);
    const double per_call = (now_seconds() - start) / static_cast<double>(calls);
    const auto block =
        static_cast<std::size_t>(std::max(1.0, options.min_block_seconds / per_call));
    std::vector<double> times;
    for (std::size_t s = 0; s < options.samples; ++s) {
        const double t0 = now_seconds();
        for (std::size_t i = 0; i < block; ++i) fn();
        times.push_back((now_seconds() - t0) / static_cast<double>(block));
    }
    std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
    return times[times.size() / 2];
}

}  // namespace bench
