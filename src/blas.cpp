// Matrix products on OpenBLAS, and on oneDNN's sgemm where it was measured faster (below). A
// product with one row or one column goes to gemv: OpenBLAS 0.3.21's gemm packs both operands
// whatever their shape (unless its kernel has small-matrix paths, as SkylakeX's has and Haswell's
// has not), which for the (1, 784) x (784, 128) product of a batch of one costs more than the
// arithmetic. An inner size of 1 is an outer product.
#include "blas.hpp"

#include <cblas.h>

#include <algorithm>
#include <type_traits>

#if XGRAD_HAS_ONEDNN
#include "blas_onednn.hpp"
#endif

#include "xgrad/parallel.hpp"

namespace xgrad::detail {
namespace {
CBLAS_TRANSPOSE flag(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }
blasint dim(std::size_t n) { return static_cast<blasint>(n); }
// BLAS requires leading dimensions >= 1 even for empty matrices.
blasint lead(std::size_t n) { return static_cast<blasint>(std::max<std::size_t>(n, 1)); }

/// The BLAS routines of one element type.
template <class T>
struct Blas;
template <>
struct Blas<float> {
    static constexpr auto gemm = cblas_sgemm;
    static constexpr auto gemv = cblas_sgemv;
    static constexpr auto ger = cblas_sger;
};
template <>
struct Blas<double> {
    static constexpr auto gemm = cblas_dgemm;
    static constexpr auto gemv = cblas_dgemv;
    static constexpr auto ger = cblas_dger;
};

/// OpenBLAS on one thread while it lives; its former count restored after.
class OneBlasThread {
public:
    OneBlasThread() : previous_(openblas_get_num_threads()) {
        if (previous_ > 1) openblas_set_num_threads(1);
    }
    ~OneBlasThread() {
        if (previous_ > 1) openblas_set_num_threads(previous_);
    }
    OneBlasThread(const OneBlasThread&) = delete;
    OneBlasThread& operator=(const OneBlasThread&) = delete;

private:
    int previous_;
};

/// A product is split across xgrad's workers when each part keeps at least this many
/// multiply-adds: waking a worker costs some microseconds.
constexpr double kSplitWork = double(1 << 21);
/// Parts start at multiples of this many rows or columns, so that BLAS tiles each part as it
/// tiles the whole product (its register tiles divide 64): every element is the same sum.
constexpr std::size_t kSplitAlign = 64;

/// Calls part(row, rows, col, cols) for the blocks of an m x n product: the whole on the calling
/// thread, or (more than one thread, enough work) bands of columns (rows when there are more)
/// on xgrad's workers. Every product runs on one BLAS thread: OpenBLAS's own threads spin for a
/// while after each product they run, taking a core from xgrad's workers' next pass.
template <class Part>
void split_product(std::size_t m, std::size_t n, std::size_t k, const Part& part) {
    const bool by_columns = n >= m;
    const std::size_t extent = by_columns ? n : m;
    const std::size_t blocks = (extent + kSplitAlign - 1) / kSplitAlign;
    const double work = double(m) * double(n) * double(k);
    const std::size_t parts = std::min({static_cast<std::size_t>(op_threads()), blocks,
                                        static_cast<std::size_t>(work / kSplitWork)});
    if (parts <= 1) {
        part(0, m, 0, n);
        return;
    }
    run_product_chunks(parts, [&](std::size_t p) {
        const std::size_t begin = std::min(extent, blocks * p / parts * kSplitAlign);
        const std::size_t end = std::min(extent, blocks * (p + 1) / parts * kSplitAlign);
        if (begin == end) return;
        if (by_columns)
            part(0, m, begin, end - begin);
        else
            part(begin, end - begin, 0, n);
    });
}

/// Whether oneDNN computes a float product: one of at least 64^3 multiply-adds. bench/run --gemm
/// measured oneDNN 2.6's sgemm on one thread faster than OpenBLAS 0.3.21's best kernel on such
/// products of the MLP and CNN steps (5-35 % less time on a step's sum), and slower on smaller
/// ones, where OpenBLAS's small-matrix kernels do better (docs/performance.md, "Matrix products").
/// Like OpenBLAS here, oneDNN runs on the calling thread only (blas_onednn.cpp): xgrad's workers
/// are the process's one thread pool.
#if XGRAD_HAS_ONEDNN
bool onednn_takes(std::size_t m, std::size_t n, std::size_t k) {
    constexpr double kMinMultiplyAdds = 64.0 * 64.0 * 64.0;
    return double(m) * double(n) * double(k) >= kMinMultiplyAdds;
}
#endif

template <class T>
void product(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
             std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    check_blas_kernel();
    const OneBlasThread one;  // xgrad's workers split the product instead (split_product)
    using B = Blas<T>;
    if (m == 0 || n == 0) return;
    if (k == 0) {  // C = beta C
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
                c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
        return;
    }
    if (m == 1) {
        // c (1 x n) = op(A) (1 x k) op(B) (k x n): c = op(B)^T a. op(A)'s one row has stride 1
        // (stored as a row) or lda (stored as a column).
        const blasint inc_a = ta ? lead(lda) : 1;
        if (tb)  // B stored n x k
            B::gemv(CblasRowMajor, CblasNoTrans, dim(n), dim(k), alpha, b, lead(ldb), a, inc_a,
                    beta, c, 1);
        else  // B stored k x n
            B::gemv(CblasRowMajor, CblasTrans, dim(k), dim(n), alpha, b, lead(ldb), a, inc_a, beta,
                    c, 1);
        return;
    }
    if (n == 1) {
        // c (m x 1, stride ldc) = op(A) (m x k) b, with b = op(B)'s one column.
        const blasint inc_b = tb ? 1 : lead(ldb);
        if (ta)  // A stored k x m
            B::gemv(CblasRowMajor, CblasTrans, dim(k), dim(m), alpha, a, lead(lda), b, inc_b, beta,
                    c, lead(ldc));
        else  // A stored m x k
            B::gemv(CblasRowMajor, CblasNoTrans, dim(m), dim(k), alpha, a, lead(lda), b, inc_b,
                    beta, c, lead(ldc));
        return;
    }
    if (k == 1) {
        // An outer product: C = alpha x y^T + beta C, x = op(A)'s column, y = op(B)'s row. With
        // beta = 0 it is written in one pass (ger would add it onto a zeroed C: two passes).
        const std::size_t inc_x = ta ? 1 : lda, inc_y = tb ? ldb : 1;
        if (beta == T(0)) {
            for (std::size_t i = 0; i < m; ++i) {
                const T ax = alpha * a[i * inc_x];
                T* row = c + i * ldc;
                if (inc_y == 1)
                    for (std::size_t j = 0; j < n; ++j) row[j] = ax * b[j];
                else
                    for (std::size_t j = 0; j < n; ++j) row[j] = ax * b[j * inc_y];
            }
            return;
        }
        if (beta != T(1))
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] *= beta;
        B::ger(CblasRowMajor, dim(m), dim(n), alpha, a, ta ? 1 : lead(lda), b, tb ? lead(ldb) : 1,
               c, lead(ldc));
        return;
    }
    split_product(m, n, k,
                  [&](std::size_t row, std::size_t rows, std::size_t col, std::size_t cols) {
                      // Rows of op(A) and columns of op(B): A stored m x k (k x m when transposed),
                      // B k x n (n x k).
                      const T* a_part = a + (ta ? row : row * lda);
                      const T* b_part = b + (tb ? col * ldb : col);
                      T* c_part = c + row * ldc + col;
#if XGRAD_HAS_ONEDNN
                      if constexpr (std::is_same_v<T, float>)
                          if (onednn_takes(rows, cols, k) &&
                              onednn_sgemm(ta, tb, rows, cols, k, alpha, a_part, lda, b_part, ldb,
                                           beta, c_part, ldc))
                              return;
#endif
                      B::gemm(CblasRowMajor, flag(ta), flag(tb), dim(rows), dim(cols), dim(k),
                              alpha, a_part, lead(lda), b_part, lead(ldb), beta, c_part, lead(ldc));
                  });
}
}  // namespace

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
          float* c, std::size_t ldc) {
    product(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          double alpha, const double* a, std::size_t lda, const double* b, std::size_t ldb,
          double beta, double* c, std::size_t ldc) {
    product(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void run_product_chunks(std::size_t chunks, const std::function<void(std::size_t)>& chunk) {
    if (chunks <= 1 || op_threads() <= 1) {
        for (std::size_t c = 0; c < chunks; ++c) chunk(c);
        return;
    }
    const OneBlasThread one;
    run_chunks(chunks, chunk);
}

}  // namespace xgrad::detail
