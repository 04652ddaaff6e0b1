// The matrix-product bound of a training step: the same products the step makes (same shapes,
// same transpose flags), called directly, with nothing else around them, each through the faster
// of the two ways xgrad could compute it: OpenBLAS's cblas_sgemm, or xgrad's detail::gemm, which
// sends some products to oneDNN (src/blas.cpp). Each product is timed on its own.
#include <cblas.h>

#include <algorithm>

#include "blas.hpp"
#include "cases.hpp"

namespace bench {
namespace {

struct Gemm {
    bool ta, tb;
    int m, n, k;
};

/// Row-major C (m x n) = op(A) op(B) with op(A) m x k and op(B) k x n.
void run_openblas(const Gemm& g, const float* a, const float* b, float* c) {
    cblas_sgemm(CblasRowMajor, g.ta ? CblasTrans : CblasNoTrans, g.tb ? CblasTrans : CblasNoTrans,
                g.m, g.n, g.k, 1.0f, a, g.ta ? g.m : g.k, b, g.tb ? g.k : g.n, 0.0f, c, g.n);
}
void run_xgrad(const Gemm& g, const float* a, const float* b, float* c) {
    xgrad::detail::gemm(g.ta, g.tb, g.m, g.n, g.k, 1.0f, a, g.ta ? g.m : g.k, b, g.tb ? g.k : g.n,
                        0.0f, c, g.n);
}

/// The sum over `calls` of the faster way's median time per call.
double best_seconds(const std::vector<Gemm>& calls, const TimingOptions& timing) {
    std::size_t size = 0;
    for (const auto& g : calls)
        size = std::max(
            {size, std::size_t(g.m) * g.k, std::size_t(g.k) * g.n, std::size_t(g.m) * g.n});
    std::vector<float> a(size, 0.5f), b(size, 0.25f), c(size);
    double total = 0;
    for (const auto& g : calls) {
        const double openblas =
            median_seconds([&] { run_openblas(g, a.data(), b.data(), c.data()); }, timing);
        const double xgrad =
            median_seconds([&] { run_xgrad(g, a.data(), b.data(), c.data()); }, timing);
        total += std::min(openblas, xgrad);
    }
    return total;
}

}  // namespace

double sgemm_bound(const std::vector<std::size_t>& layers, std::size_t batch,
                   const TimingOptions& timing) {
    std::vector<Gemm> calls;
    const int n = static_cast<int>(batch);
    for (std::size_t i = 0; i + 1 < layers.size(); ++i)  // y = x W^T
        calls.push_back({false, true, n, int(layers[i + 1]), int(layers[i])});
    for (std::size_t i = layers.size() - 1; i-- > 0;) {
        calls.push_back({true, false, int(layers[i + 1]), int(layers[i]), n});  // dW = g^T x
        if (i > 0)
            calls.push_back({false, false, n, int(layers[i]), int(layers[i + 1])});  // dx = g W
    }
    return best_seconds(calls, timing);
}

double cnn_sgemm_bound(std::size_t batch, const TimingOptions& timing) {
    const int n = static_cast<int>(batch);
    std::vector<Gemm> calls;
    // A convolution lowered by im2col: y (O, N L) = W (O, C k k) cols (C k k, N L); the weight
    // gradient g (O, N L) cols^T; the input gradient W^T g (not for the first layer, whose input
    // needs none).
    const auto conv = [&](int in, int out, int area, bool input_grad) {
        const int k = in * 9, columns = n * area;
        calls.push_back({false, false, out, columns, k});
        calls.push_back({false, true, out, k, columns});
        if (input_grad) calls.push_back({true, false, k, columns, out});
    };
    const auto linear = [&](int in, int out) {
        calls.push_back({false, true, n, out, in});
        calls.push_back({true, false, out, in, n});
        calls.push_back({false, false, n, in, out});
    };
    conv(1, 32, 28 * 28, false);
    conv(32, 64, 14 * 14, true);
    linear(64 * 7 * 7, 128);
    linear(128, 10);
    return best_seconds(calls, timing);
}

BlasReport blas_report() {
    BlasReport report;
    report.kernel = openblas_get_corename();
    const std::string config = openblas_get_config();
    report.library = config.substr(0, config.find(' ', config.find(' ') + 1));
    report.threads = openblas_get_num_threads();
    return report;
}

}  // namespace bench
