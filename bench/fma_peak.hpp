#pragma once
// The physical limit of one core for float32 arithmetic: a loop of independent fused
// multiply-adds on the widest vector the CPU runs, chosen when the program runs.

#include <string>

namespace bench {

struct FmaPeak {
    /// Float32 operations per second (an FMA counts as two) on one thread.
    double gflops = 0;
    /// The instruction set the loop ran on ("avx512f", "avx2+fma", "sse2 mul+add").
    std::string isa;
};

/// Runs the loop for about `seconds` and returns the best of a few rounds: the peak is a
/// property of the core, so the fastest round is the one least disturbed by other work.
FmaPeak measure_fma_peak(double seconds = 0.3);

}  // namespace bench
