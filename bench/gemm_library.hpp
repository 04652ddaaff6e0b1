#pragma once
// The matrix-product candidates of bench/gemm_main.cpp (issue 19): the shapes xgrad's training
// steps make, and each library that could compute them, behind one signature.

#include <functional>
#include <string>
#include <vector>

namespace bench {

/// Row-major C (m x n) = op(A) op(B), op(A) m x k and op(B) k x n; A is stored m x k (k x m
/// when ta), B k x n (n x k when tb), all dense.
struct GemmShape {
    std::string group;  // the step that makes it: "mlp b64", "wide b1024", "cnn b64"...
    std::string role;   // "fwd x W^T", "dW = g^T x", "dx = g W", "conv fwd"...
    bool ta, tb;
    int m, n, k;
    double flops() const { return 2.0 * m * n * k; }
};

/// One candidate: `run` computes C = op(A) op(B) (alpha 1, beta 0) for any GemmShape.
struct GemmLibrary {
    std::string name;
    std::string detail;  // version, kernel or instruction set it runs
    std::function<void(const GemmShape&, const float* a, const float* b, float* c)> run;
};

/// The shapes of the MLP 784-128-10 at batch 1 to 1024, the wide 784-1024-1024-10 at batch
/// 1024 and the CNN's lowered convolutions (as src/ops/conv_products.hpp chunks them).
std::vector<GemmShape> gemm_shapes();

/// Every candidate built in (bench/CMakeLists.txt finds the optional ones), OpenBLAS first.
std::vector<GemmLibrary> gemm_libraries();

// One factory per library, each in its own file.
GemmLibrary openblas_gemm();
GemmLibrary xgrad_gemm();
GemmLibrary blis_gemm();
GemmLibrary libxsmm_sgemm_gemm();
GemmLibrary libxsmm_jit_gemm();
GemmLibrary onednn_sgemm_gemm();
GemmLibrary onednn_matmul_gemm();

}  // namespace bench
