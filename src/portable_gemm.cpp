// A blocked gemm in plain C++. Blocks of op(A) and op(B) are copied into contiguous row-major
// panels, so the inner loop runs over unit-stride rows of B and C whatever the transpose flags,
// and a k x n panel of B stays in cache while every row of the A block passes over it.
#include "portable_gemm.hpp"

#include <algorithm>
#include <vector>

namespace xgrad::detail {
namespace {

constexpr std::size_t kBlockM = 64;   // rows of C per block
constexpr std::size_t kBlockN = 256;  // columns of C per block
constexpr std::size_t kBlockK = 128;  // inner dimension per block

template <class T>
void scale(std::size_t m, std::size_t n, T beta, T* c, std::size_t ldc) {
    for (std::size_t i = 0; i < m; ++i) {
        T* row = c + i * ldc;
        if (beta == T(0))
            std::fill_n(row, n, T(0));
        else if (beta != T(1))
            for (std::size_t j = 0; j < n; ++j) row[j] *= beta;
    }
}

/// Copies op(X)[r0 : r0 + rows, c0 : c0 + cols] into `panel` (rows x cols, row-major); X is
/// stored transposed when `transposed`.
template <class T>
void pack(bool transposed, const T* x, std::size_t ld, std::size_t r0, std::size_t rows,
          std::size_t c0, std::size_t cols, std::vector<T>& panel) {
    panel.resize(rows * cols);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j)
            panel[i * cols + j] =
                transposed ? x[(c0 + j) * ld + r0 + i] : x[(r0 + i) * ld + c0 + j];
}

template <class T>
void product(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
             std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    if (m == 0 || n == 0) return;
    scale(m, n, beta, c, ldc);
    if (k == 0 || alpha == T(0)) return;
    std::vector<T> a_panel, b_panel;
    for (std::size_t k0 = 0; k0 < k; k0 += kBlockK) {
        const std::size_t kb = std::min(kBlockK, k - k0);
        for (std::size_t j0 = 0; j0 < n; j0 += kBlockN) {
            const std::size_t nb = std::min(kBlockN, n - j0);
            pack(tb, b, ldb, k0, kb, j0, nb, b_panel);
            for (std::size_t i0 = 0; i0 < m; i0 += kBlockM) {
                const std::size_t mb = std::min(kBlockM, m - i0);
                pack(ta, a, lda, i0, mb, k0, kb, a_panel);
                for (std::size_t i = 0; i < mb; ++i) {
                    T* c_row = c + (i0 + i) * ldc + j0;
                    for (std::size_t p = 0; p < kb; ++p) {
                        const T a_ip = alpha * a_panel[i * kb + p];
                        const T* b_row = b_panel.data() + p * nb;
                        for (std::size_t j = 0; j < nb; ++j) c_row[j] += a_ip * b_row[j];
                    }
                }
            }
        }
    }
}

}  // namespace

void portable_gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                   float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                   float beta, float* c, std::size_t ldc) {
    product(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void portable_gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                   double alpha, const double* a, std::size_t lda, const double* b, std::size_t ldb,
                   double beta, double* c, std::size_t ldc) {
    product(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace xgrad::detail
