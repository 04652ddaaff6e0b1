#pragma once
// xgrad's own row-major matrix product, for builds without OpenBLAS (XGRAD_BLAS=portable, the
// WebAssembly explorer): C = alpha * op(A) op(B) + beta * C, the contract of detail::gemm.

#include <cstddef>

namespace xgrad::detail {

/// C (m x n, row stride ldc) = alpha * op(A) op(B) + beta * C, op(A) m x k, op(B) k x n; A is
/// stored m x k (or k x m when transpose_a) with row stride lda, likewise B. beta = 0 overwrites
/// C without reading it, as BLAS does.
void portable_gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                   float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                   float beta, float* c, std::size_t ldc);
void portable_gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                   double alpha, const double* a, std::size_t lda, const double* b, std::size_t ldb,
                   double beta, double* c, std::size_t ldc);

}  // namespace xgrad::detail
