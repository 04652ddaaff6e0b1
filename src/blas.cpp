#include "blas.hpp"

#include <algorithm>

#include <cblas.h>

namespace xgrad::detail {
namespace {
CBLAS_TRANSPOSE flag(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }
blasint dim(std::size_t n) { return static_cast<blasint>(n); }
// BLAS requires leading dimensions >= 1 even for empty matrices.
blasint lead(std::size_t n) { return static_cast<blasint>(std::max<std::size_t>(n, 1)); }
}  // namespace

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
          const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
          std::size_t ldc) {
    cblas_sgemm(CblasRowMajor, flag(transpose_a), flag(transpose_b), dim(m), dim(n), dim(k), alpha, a,
                lead(lda), b, lead(ldb), beta, c, lead(ldc));
}

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, double alpha,
          const double* a, std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
          std::size_t ldc) {
    cblas_dgemm(CblasRowMajor, flag(transpose_a), flag(transpose_b), dim(m), dim(n), dim(k), alpha, a,
                lead(lda), b, lead(ldb), beta, c, lead(ldc));
}

}  // namespace xgrad::detail
