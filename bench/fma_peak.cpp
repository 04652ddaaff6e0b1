// The peak-FMA loop, once per instruction set: each version carries its own target attribute,
// so this file needs no -march and the widest version the CPU supports is picked at run time.
// Twelve independent accumulators hide the FMA latency (4 cycles on two pipes needs at least 8
// chains); the loops are unrolled so that the accumulators live in registers and the body has
// no loads or stores: only the FMA units limit it. The chains start from distinct values, or the
// compiler merges chains it can prove equal (and the loop does fewer FMAs than it counts).
#include "fma_peak.hpp"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstddef>

namespace bench {
namespace {

constexpr int kChains = 12;
constexpr std::size_t kIterations = 1 << 16;

double seconds_now() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

/// One pass of kIterations x kChains FMAs on vector type V, built from the given intrinsics.
/// Returns a value derived from every chain so the compiler keeps them.
#define XGRAD_FMA_LOOP(V, SET1, FMA, ADD, REDUCE)                                                  \
    V acc[kChains];                                                                                \
    _Pragma("GCC unroll 16") for (int c = 0; c < kChains; ++c) acc[c] = SET1(1.0f + 0.01f * c);    \
    const V mul = SET1(0.9999999f), add = SET1(1e-7f);                                             \
    for (std::size_t i = 0; i < kIterations; ++i)                                                  \
        _Pragma("GCC unroll 16") for (int c = 0; c < kChains; ++c) acc[c] = FMA(acc[c], mul, add); \
    _Pragma("GCC unroll 16") for (int c = 1; c < kChains; ++c) acc[0] = ADD(acc[0], acc[c]);       \
    return REDUCE(acc[0]);

__attribute__((target("avx512f"))) float loop_avx512() {
    XGRAD_FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_reduce_add_ps)
}
__attribute__((target("avx2,fma"))) float first_lane256(__m256 v) { return _mm256_cvtss_f32(v); }
__attribute__((target("avx2,fma"))) float loop_avx2(){
    XGRAD_FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, first_lane256)} __m128
    mul_add128(__m128 a, __m128 b, __m128 c) {
    return _mm_add_ps(_mm_mul_ps(a, b), c);
}
float loop_sse2() { XGRAD_FMA_LOOP(__m128, _mm_set1_ps, mul_add128, _mm_add_ps, _mm_cvtss_f32) }
#undef XGRAD_FMA_LOOP

struct Variant {
    float (*loop)();
    int lanes;
    const char* isa;
};

Variant widest() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return {loop_avx512, 16, "avx512f"};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return {loop_avx2, 8, "avx2+fma"};
    return {loop_sse2, 4, "sse2 mul+add"};
}

}  // namespace

FmaPeak measure_fma_peak(double seconds) {
    const Variant v = widest();
    const double flops_per_pass = 2.0 * v.lanes * kChains * kIterations;
    volatile float sink = 0;
    double best = 0;
    const double end = seconds_now() + seconds;
    do {
        const double t0 = seconds_now();
        sink = sink + v.loop();
        best = std::max(best, flops_per_pass / (seconds_now() - t0));
    } while (seconds_now() < end);
    return {best * 1e-9, v.isa};
}

}  // namespace bench
