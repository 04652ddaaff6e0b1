// blas_info(), set_blas_threads() and set_flush_denormal(): what the library reports about its
// BLAS kernel and threads, and that the settings take effect. Results only, never timings.
#include <limits>

#include "helpers.hpp"
#include "xgrad/blas.hpp"
#include "xgrad/denormal.hpp"

using namespace xgrad;

BOOST_AUTO_TEST_SUITE(blas)

BOOST_AUTO_TEST_CASE(blas_info_names_the_kernel_and_threads) {
    const BlasInfo info = blas_info();
    BOOST_TEST(info.library.rfind("OpenBLAS", 0) == 0u, "library: " << info.library);
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

BOOST_AUTO_TEST_SUITE_END()
