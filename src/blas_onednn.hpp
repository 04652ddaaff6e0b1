#pragma once
// oneDNN's sgemm, the second library behind detail::gemm (blas.cpp decides which product goes
// where). Built only when CMake finds oneDNN (libdnnl-dev); XGRAD_HAS_ONEDNN says so.

#include <cstddef>

namespace xgrad::detail {

/// Row-major C = alpha op(A) op(B) + beta C on oneDNN's JIT sgemm, on the calling thread alone.
/// Returns false, having written nothing, when oneDNN refuses the call.
bool onednn_sgemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                  float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                  float beta, float* c, std::size_t ldc);

}  // namespace xgrad::detail
