#pragma once
// The other C++ libraries a user could train the MLP 784-128-10 with (dlib's DNN, tiny-dnn), next
// to xgrad and libtorch: the same network, data, update rule and float32, one step timed like
// the cases of cases.hpp, and a loss curve from a common start to check that a step trains.

#include <memory>
#include <string>
#include <vector>

#include "fashion.hpp"
#include "mlp_init.hpp"
#include "report.hpp"
#include "timing.hpp"

namespace bench {

/// The loss of one training step (before its update) and the seconds since training began when
/// the step ended.
struct LossPoint {
    double seconds = 0;
    double loss = 0;
};

/// The MLP every peer trains, as {784, 128, 10}: their layer sizes are fixed at compile time.
inline std::vector<std::size_t> peer_mlp_layers() { return {784, 128, 10}; }

/// A library that trains the MLP 784-128-10 (linear, ReLU, linear, softmax cross-entropy) with
/// SGD, learning rate 0.01, momentum 0.9, float32.
class MlpPeer {
public:
    virtual ~MlpPeer() = default;
    /// The library and its version as the table shows it, e.g. "dlib 19.24".
    virtual std::string name() const = 0;
    /// What one step does exactly, where it differs from torch.optim.SGD, for the docs.
    virtual std::string update_rule() const = 0;
    /// Sets the threads the step may use; false when the library cannot be told `threads`.
    virtual bool set_threads(int threads) = 0;
    /// Seconds per training step at the batches' size, cycling through `batches`.
    virtual double step_seconds(const std::vector<Batch>& batches, const TimingOptions& timing) = 0;
    /// Trains from `init`, one step per batch, and returns each step's loss.
    virtual std::vector<LossPoint> train(const std::vector<Batch>& batches,
                                         const MlpInit& init) = 0;
};

/// The peers this benchmark was built with (each only when CMake found the library).
std::vector<std::unique_ptr<MlpPeer>> make_mlp_peers();

/// One table row per peer for the MLP step at the batches' size and `threads` (none for a peer
/// that cannot be told that many threads), next to xgrad's `xgrad_seconds`, named `name` like
/// xgrad's own row; each the median of `rounds` measurements.
std::vector<Row> peer_rows(const std::vector<std::unique_ptr<MlpPeer>>& peers,
                           const std::string& name, int threads, double xgrad_seconds,
                           const std::vector<Batch>& batches, const TimingOptions& timing,
                           std::size_t rounds);

/// xgrad's loss curve for the same training (nn::Linear, nn::cross_entropy, optim::SGD).
std::vector<LossPoint> xgrad_mlp_curve(const std::vector<Batch>& batches, const MlpInit& init);
/// libtorch's, op for op as torch_cases.cpp; empty when built without libtorch.
std::vector<LossPoint> torch_mlp_curve(const std::vector<Batch>& batches, const MlpInit& init);

}  // namespace bench
