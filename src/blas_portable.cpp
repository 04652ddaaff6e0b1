// The XGRAD_BLAS=portable backend: detail::gemm on xgrad's own kernel (portable_gemm.cpp) and
// what blas_info() / set_blas_threads() mean without OpenBLAS. Replaces blas.cpp and
// blas_info.cpp in such builds.
#include <string>

#include "blas.hpp"
#include "portable_gemm.hpp"
#include "xgrad/blas.hpp"
#include "xgrad/error.hpp"
#include "xgrad/parallel.hpp"

namespace xgrad {

BlasInfo blas_info() {
    BlasInfo info;
    info.library = "xgrad portable gemm";
    info.kernel = "portable";
    info.threads = 1;
    return info;
}

void set_blas_threads(int threads) {
    if (threads < 1)
        throw ValueError("set_blas_threads: expected at least 1 thread, got " +
                         std::to_string(threads));
    // The portable kernel runs on the calling thread only.
}

namespace detail {
void check_blas_kernel() {}

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
          float* c, std::size_t ldc) {
    portable_gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          double alpha, const double* a, std::size_t lda, const double* b, std::size_t ldb,
          double beta, double* c, std::size_t ldc) {
    portable_gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// The portable kernel always runs on its caller's thread.
void run_product_chunks(std::size_t chunks, const std::function<void(std::size_t)>& chunk) {
    run_chunks(chunks, chunk);
}
}  // namespace detail
}  // namespace xgrad
