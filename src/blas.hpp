#pragma once
// Row-major general matrix multiply: C = alpha * op(A) op(B) + beta * C. On OpenBLAS (blas.cpp)
// or, with XGRAD_BLAS=portable, on xgrad's own kernel (blas_portable.cpp).

#include <cstddef>

namespace xgrad::detail {

/// Warns once on stderr when OpenBLAS runs a kernel older than the CPU (blas_info.cpp).
void check_blas_kernel();

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
          float* c, std::size_t ldc);
void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          double alpha, const double* a, std::size_t lda, const double* b, std::size_t ldb,
          double beta, double* c, std::size_t ldc);

}  // namespace xgrad::detail
