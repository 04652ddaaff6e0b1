#pragma once
// The benchmark cases, implemented once per library (xgrad_cases.cpp, torch_cases.cpp) behind one
// interface, so both run the same work on the same data in the same process.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "fashion.hpp"
#include "timing.hpp"

namespace bench {

/// The lecture's logistic regression data: n points of 2 features with labels -1 / +1.
struct LogisticData {
    std::vector<float> x;  // n x 2
    std::vector<float> y;  // n, each -1 or +1
};
LogisticData make_logistic_data(std::size_t n, std::uint64_t seed = 7);

/// A conv2d of the benchmark: input (batch, channels, size, size), a kernel x kernel weight to
/// out_channels, stride, padding and groups (groups = channels: depthwise).
struct ConvShape {
    std::string name;
    std::size_t batch, channels, size, out_channels, kernel, stride, padding, groups;
};
/// The conv2d forward+backward shapes: 3x3, 5x5, 1x1, stride 2, depthwise.
std::vector<ConvShape> conv_shapes();

/// An LSTM training step of the benchmark: torch.nn.LSTM(input, hidden, layers) on a time-major
/// (steps, batch, input) sequence.
struct LstmShape {
    std::string name;
    std::size_t steps, batch, input, hidden, layers;
};

/// A transformer training step of the benchmark: torch.nn.TransformerEncoderLayer(d_model,
/// heads, feedforward, dropout 0) with a causal mask on a time-major (steps, batch, d_model)
/// sequence, as one block of a small decoder-only model.
struct TransformerShape {
    std::string name;
    std::size_t steps, batch, d_model, heads, feedforward;
};

class Side {
public:
    virtual ~Side() = default;
    virtual std::string name() const = 0;
    /// Threads of BLAS and of the library's own pool.
    virtual void set_threads(int threads) = 0;
    /// Seconds per training step (forward, backward, SGD momentum step) of the MLP `layers`
    /// (e.g. {784, 128, 10}, ReLU between layers, cross-entropy), cycling through `batches`.
    virtual double mlp_step(const std::vector<std::size_t>& layers,
                            const std::vector<Batch>& batches, const TimingOptions& timing) = 0;
    /// Seconds per training step (forward, backward, SGD momentum step) of the example's CNN
    /// (conv 32 - BN - ReLU - maxpool, conv 64 - BN - ReLU - maxpool, linear 128, dropout 0.25,
    /// linear 10) on images (n, 1, 28, 28), cycling through `batches`.
    virtual double cnn_step(const std::vector<Batch>& batches, const TimingOptions& timing) = 0;
    /// Seconds per conv2d forward and backward (gradients of input and weight) of sum(y).
    virtual double conv_step(const ConvShape& shape, const TimingOptions& timing) = 0;
    /// Seconds per SGD update of the logistic loss on one example of 2 features.
    virtual double logistic_update(const LogisticData& data, const TimingOptions& timing) = 0;
    /// Seconds per training step (forward, backward, SGD momentum step) of an LSTM of `shape`
    /// on a fixed random (steps, batch, input) sequence, loss mean(output^2).
    virtual double lstm_step(const LstmShape& shape, const TimingOptions& timing) = 0;
    /// Seconds per training step (forward, backward, SGD momentum step) of a transformer encoder
    /// layer of `shape` on a fixed random sequence, loss mean(output^2).
    virtual double transformer_step(const TransformerShape& shape, const TimingOptions& timing) = 0;
    /// Seconds per forward and backward of sum(tanh(x a + b)) with scalars a, b requiring grad.
    virtual double tanh_chain(const std::vector<float>& x, const TimingOptions& timing) = 0;
};

std::unique_ptr<Side> make_xgrad_side();
/// Null when the benchmark was built without libtorch.
std::unique_ptr<Side> make_torch_side();

/// Seconds for the matrix products one training step of the MLP `layers` makes at batch `batch`
/// (3 forward and 5 backward for 784-1024-1024-10), called directly, each through the faster of
/// cblas_sgemm and xgrad's detail::gemm (OpenBLAS or oneDNN).
double sgemm_bound(const std::vector<std::size_t>& layers, std::size_t batch,
                   const TimingOptions& timing);

/// Seconds for the sgemm calls one CNN training step of xgrad makes at batch `batch` (im2col
/// convolutions over the whole batch and the linear layers), called directly as sgemm_bound's.
double cnn_sgemm_bound(std::size_t batch, const TimingOptions& timing);

/// The BLAS kernel name, library and thread count (OpenBLAS's own report).
struct BlasReport {
    std::string kernel, library;
    int threads = 1;
};
BlasReport blas_report();

/// xgrad::blas_info() in one line for bench/run:
/// "<kernel> <fallback 0|1> <suggested coretype|-> <cpu SIMD: AVX-512|AVX2|->".
std::string xgrad_blas_summary();

}  // namespace bench
