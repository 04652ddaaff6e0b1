// blas_info(), set_blas_threads() and the one-time warning about a fallback OpenBLAS kernel.
#include <cblas.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <mutex>
#include <string>

#include "blas.hpp"
#include "xgrad/blas.hpp"
#include "xgrad/error.hpp"

namespace xgrad {
namespace {

std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

/// OpenBLAS x86 kernels written for AVX2 or later. Any other kernel on an AVX2 CPU (Prescott,
/// Core2, Nehalem, Sandybridge, Atom, generic...) is a fallback that leaves most of it unused.
bool is_avx2_kernel(const std::string& kernel) {
    static const char* const kNames[] = {"haswell",        "zen",      "skylakex", "cooperlake",
                                         "sapphirerapids", "excavator"};
    const std::string name = lower(kernel);
    return std::any_of(std::begin(kNames), std::end(kNames),
                       [&](const char* n) { return name == n; });
}

std::string cpu_simd() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return "AVX-512";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "AVX2";
#endif
    return "";
}

void warn_if_fallback() {
    const BlasInfo info = blas_info();
    if (!info.fallback) return;
    std::cerr << "xgrad: warning: OpenBLAS runs its '" << info.kernel << "' kernel on a CPU with "
              << info.cpu_simd << "; matrix products are several times slower than they can be. "
              << "Set OPENBLAS_CORETYPE=" << info.suggested_coretype
              << " in the environment before starting the program (setting it from inside the "
                 "program is too late).\n";
}

}  // namespace

BlasInfo blas_info() {
    BlasInfo info;
    const std::string config = openblas_get_config();
    // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...": the first two words.
    const auto first = config.find(' ');
    const auto second = first == std::string::npos ? first : config.find(' ', first + 1);
    info.library = config.substr(0, second);
    info.kernel = openblas_get_corename();
    info.threads = openblas_get_num_threads();
    info.cpu_simd = cpu_simd();
    info.fallback = !info.cpu_simd.empty() && !is_avx2_kernel(info.kernel);
    if (info.fallback)
        info.suggested_coretype = info.cpu_simd == "AVX-512" ? "SkylakeX" : "Haswell";
    return info;
}

void set_blas_threads(int threads) {
    if (threads < 1)
        throw ValueError("set_blas_threads: expected at least 1 thread, got " +
                         std::to_string(threads));
    openblas_set_num_threads(threads);
}

namespace detail {
void check_blas_kernel() {
    static std::once_flag checked;
    std::call_once(checked, warn_if_fallback);
}
}  // namespace detail
}  // namespace xgrad
