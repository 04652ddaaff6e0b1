// blas_info(), set_blas_threads() and set_flush_denormal(): what the library reports about its
// BLAS kernel and threads, and that the settings take effect. Results only, never timings.
#include <limits>
#include <random>

#include "../src/blas.hpp"
#include "../src/portable_gemm.hpp"
#include "helpers.hpp"
#include "xgrad/blas.hpp"
#include "xgrad/denormal.hpp"

using namespace xgrad;

BOOST_AUTO_TEST_SUITE(blas)

BOOST_AUTO_TEST_CASE(blas_info_names_the_kernel_and_threads) {
    const BlasInfo info = blas_info();
    BOOST_TEST((info.library.rfind("OpenBLAS", 0) == 0u || info.library == "xgrad portable gemm"),
               "library: " << info.library);
    BOOST_TEST(!info.kernel.empty());
    BOOST_TEST(info.threads >= 1);
    // A fallback names the fix; a kernel that fits the CPU needs none.
    BOOST_TEST(info.fallback == !info.suggested_coretype.empty());
    if (info.cpu_simd.empty()) BOOST_TEST(!info.fallback);
}

BOOST_AUTO_TEST_CASE(set_blas_threads_takes_effect) {
    const int before = blas_info().threads;
    set_blas_threads(1);
    BOOST_TEST(blas_info().threads == 1);
    // Products are still right whatever the thread count.
    const Tensor a = ones({64, 64}, DType::Float32);
    BOOST_TEST(matmul(a, a).to_vector()[0] == 64.0);
    set_blas_threads(before);
    BOOST_TEST(blas_info().threads == before);
    BOOST_CHECK_THROW(set_blas_threads(0), ValueError);
}

BOOST_AUTO_TEST_CASE(flush_denormal_flushes_and_restores) {
    volatile float tiny = std::numeric_limits<float>::min();  // smallest normal float
    if (!set_flush_denormal(true)) return;                    // not an x86 CPU
    const float flushed = tiny / 4.0f;
    set_flush_denormal(false);
    const float kept = tiny / 4.0f;
    BOOST_TEST(flushed == 0.0f);
    BOOST_TEST(kept > 0.0f);
}

namespace {
/// op(X)[i, j] of a matrix stored row-major with row stride ld, transposed when `t`.
template <class T>
T at(const std::vector<T>& x, bool t, std::size_t ld, std::size_t i, std::size_t j) {
    return t ? x[j * ld + i] : x[i * ld + j];
}

/// Compares detail::portable_gemm with detail::gemm (OpenBLAS in the default build) and with a
/// long double triple loop, for every transpose pair, padded leading dimensions, alpha and beta,
/// and the shapes the OpenBLAS path sends to gemv / ger (m, n or k = 1) or handles itself (k = 0).
template <class T>
void check_portable_gemm(double tolerance) {
    std::mt19937 gen(7);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    const std::size_t sizes[][3] = {{1, 1, 1},      {1, 7, 5},      {6, 1, 9},
                                    {5, 8, 1},      {4, 3, 0},      {17, 9, 33},
                                    {70, 300, 140}, {65, 257, 129}, {3, 2, 200}};
    for (const auto& [m, n, k] : sizes)
        for (int flags = 0; flags < 4; ++flags) {
            const bool ta = flags & 1, tb = flags & 2;
            const std::size_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
            std::vector<T> a((ta ? k : m) * lda), b((tb ? n : k) * ldb), c0(m * ldc);
            for (auto* v : {&a, &b, &c0})
                for (auto& x : *v) x = static_cast<T>(uniform(gen));
            const T alpha = T(0.75), beta = flags == 3 ? T(0) : T(-0.5);
            if (beta == T(0)) std::fill(c0.begin(), c0.end(), std::numeric_limits<T>::quiet_NaN());
            std::vector<T> portable = c0, library = c0;
            detail::portable_gemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta,
                                  portable.data(), ldc);
            detail::gemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, library.data(),
                         ldc);
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t j = 0; j < n; ++j) {
                    long double expected = 0;
                    for (std::size_t p = 0; p < k; ++p)
                        expected +=
                            static_cast<long double>(at(a, ta, lda, i, p)) * at(b, tb, ldb, p, j);
                    expected *= alpha;
                    if (beta != T(0)) expected += static_cast<long double>(beta) * c0[i * ldc + j];
                    const double scale = 1.0 + static_cast<double>(k);
                    const T got = portable[i * ldc + j], blas = library[i * ldc + j];
                    BOOST_TEST(std::abs(got - static_cast<double>(expected)) <= tolerance * scale,
                               "portable " << m << "x" << n << "x" << k << " ta " << ta << " tb "
                                           << tb << " at (" << i << ", " << j << "): " << got
                                           << " vs " << static_cast<double>(expected));
                    BOOST_TEST(std::abs(got - blas) <= 2 * tolerance * scale,
                               "portable vs gemm at (" << i << ", " << j << "): " << got << " vs "
                                                       << blas);
                }
            // The padding column of C is not written.
            for (std::size_t i = 0; i < m; ++i) {
                const T pad = portable[i * ldc + n], before = c0[i * ldc + n];
                BOOST_TEST((pad == before || (std::isnan(pad) && std::isnan(before))));
            }
        }
}
}  // namespace

BOOST_AUTO_TEST_CASE(portable_gemm_matches_blas_and_a_reference_float64) {
    check_portable_gemm<double>(1e-15);
}

BOOST_AUTO_TEST_CASE(portable_gemm_matches_blas_and_a_reference_float32) {
    check_portable_gemm<float>(1e-6);
}

// On one BLAS thread the float products of at least 64^3 multiply-adds go to oneDNN when the
// library was built with it (src/blas.cpp): the same checks, every transpose pair and padding.
BOOST_AUTO_TEST_CASE(gemm_on_one_blas_thread_matches_a_reference_float32) {
    const int before = blas_info().threads;
    set_blas_threads(1);
    check_portable_gemm<float>(1e-6);
    set_blas_threads(before);
}

BOOST_AUTO_TEST_SUITE_END()
