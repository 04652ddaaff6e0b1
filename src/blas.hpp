#pragma once
// Row-major general matrix multiply: C = alpha * op(A) op(B) + beta * C. On OpenBLAS (blas.cpp)
// or, with XGRAD_BLAS=portable, on xgrad's own kernel (blas_portable.cpp).

#include <cstddef>
#include <functional>

namespace xgrad::detail {

/// Warns once on stderr when OpenBLAS runs a kernel older than the CPU (blas_info.cpp).
void check_blas_kernel();

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
          float* c, std::size_t ldc);
void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          double alpha, const double* a, std::size_t lda, const double* b, std::size_t ldb,
          double beta, double* c, std::size_t ldc);

/// Runs `chunk(c)` for c in [0, chunks) on xgrad's workers (parallel.hpp), every matrix product
/// inside on one BLAS thread, for work made of independent products with copies around them
/// (a convolution's chunks of examples): one product per thread keeps the copies parallel too,
/// where BLAS's threads would split each product and leave the copies on one core. A product
/// gives the same values either way (BLAS's threads split its rows and columns, never a sum).
/// Inline, BLAS's threads untouched, with one chunk or one thread.
void run_product_chunks(std::size_t chunks, const std::function<void(std::size_t)>& chunk);

}  // namespace xgrad::detail
