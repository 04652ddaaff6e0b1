// The MLP 784-128-10 on tiny-dnn (Debian tiny-dnn 1.0.0a3, header-only):
// fully_connected_layer<relu>(784, 128), fully_connected_layer<softmax>(128, 10), the
// cross_entropy_multiclass loss, trained with network::fit and tiny_dnn::momentum (lr 0.01,
// momentum 0.9, weight decay 0), as a tiny-dnn user trains. fit() is tiny-dnn's only public way to
// take a step; it copies its inputs and resets the optimizer's state once per call, so a call
// runs several batches and the time per step is the call's over its steps. Compiled with OpenMP
// (CNN_USE_OMP), so that omp_set_num_threads sets its threads; tiny-dnn calls no BLAS.
#define CNN_USE_OMP
#define CNN_NO_SERIALIZATION
#include <omp.h>
// config.h turns on the quantized layers' gemmlowp, which Debian does not ship; they are unused.
#include <tiny_dnn/config.h>
#undef CNN_USE_GEMMLOWP
#include <tiny_dnn/tiny_dnn.h>

#include "peers.hpp"

namespace bench {
namespace {

namespace td = tiny_dnn;
using Mlp = td::network<td::sequential>;

/// Steps per fit() call when timing: enough that the call's own set-up is spread out.
constexpr std::size_t kStepsPerCall = 8;

/// Batches as tiny-dnn's samples: one vec_t per image and a one-hot vec_t per label.
struct Samples {
    std::vector<td::vec_t> x, t;
};

Samples to_samples(const std::vector<Batch>& batches, std::size_t first, std::size_t count) {
    Samples s;
    for (std::size_t k = 0; k < count; ++k) {
        const Batch& b = batches[(first + k) % batches.size()];
        const std::size_t features = b.x.size() / b.size;
        for (std::size_t r = 0; r < b.size; ++r) {
            s.x.emplace_back(b.x.begin() + r * features, b.x.begin() + (r + 1) * features);
            td::vec_t onehot(10, 0.0f);
            onehot[static_cast<std::size_t>(b.labels[r])] = 1.0f;
            s.t.push_back(std::move(onehot));
        }
    }
    return s;
}

/// The network, its layers set to `init` (libtorch's (out, in) layout; tiny-dnn's W is (in, out)).
Mlp make_mlp(const MlpInit& init) {
    Mlp net;
    net << td::fully_connected_layer<td::activation::relu>(784, 128)
        << td::fully_connected_layer<td::activation::softmax>(128, 10);
    net.init_weight();
    for (std::size_t l = 0; l < 2; ++l) {
        const std::vector<td::vec_t*> params = net[l]->weights();
        td::vec_t& w = *params[0];
        td::vec_t& b = *params[1];
        const std::size_t out = init.bias[l].size(), in = init.weight[l].size() / out;
        for (std::size_t o = 0; o < out; ++o)
            for (std::size_t i = 0; i < in; ++i) w[i * out + o] = init.weight[l][o * in + i];
        std::copy(init.bias[l].begin(), init.bias[l].end(), b.begin());
    }
    return net;
}

/// The mean cross-entropy of `b` at the net's current weights, computed here rather than with
/// tiny-dnn's predict(), which would resize the layers' buffers to one sample in mid-training.
double batch_loss(Mlp& net, const Batch& b) {
    const td::vec_t& w1 = *net[0]->weights()[0];
    const td::vec_t& b1 = *net[0]->weights()[1];
    const td::vec_t& w2 = *net[1]->weights()[0];
    const td::vec_t& b2 = *net[1]->weights()[1];
    const std::size_t in = w1.size() / b1.size(), hidden = b1.size(), out = b2.size();
    double total = 0;
    for (std::size_t r = 0; r < b.size; ++r) {
        std::vector<double> h(b1.begin(), b1.end()), z(b2.begin(), b2.end());
        for (std::size_t i = 0; i < in; ++i)
            for (std::size_t j = 0; j < hidden; ++j) h[j] += w1[i * hidden + j] * b.x[r * in + i];
        for (std::size_t j = 0; j < hidden; ++j)
            for (std::size_t k = 0; k < out; ++k) z[k] += w2[j * out + k] * std::max(0.0, h[j]);
        const double top = *std::max_element(z.begin(), z.end());
        double sum = 0;
        for (double v : z) sum += std::exp(v - top);
        total += std::log(sum) + top - z[static_cast<std::size_t>(b.labels[r])];
    }
    return total / static_cast<double>(b.size);
}

td::momentum make_optimizer() {
    td::momentum optimizer;
    optimizer.alpha = 0.01f;
    optimizer.mu = 0.9f;
    optimizer.lambda = 0.0f;
    return optimizer;
}

class TinyDnnPeer : public MlpPeer {
public:
    std::string name() const override { return "tiny-dnn 1.0.0a3"; }
    std::string update_rule() const override {
        return "tiny_dnn::momentum(alpha 0.01, mu 0.9, lambda 0): v = 0.9 v - 0.01 g; w += v; "
               "its state reset at every fit() call";
    }
    bool set_threads(int threads) override {
        omp_set_num_threads(threads);
        return true;
    }
    double step_seconds(const std::vector<Batch>& batches, const TimingOptions& timing) override {
        const std::size_t batch = batches.front().size;
        std::vector<Samples> calls;
        for (std::size_t first = 0; first < batches.size(); first += kStepsPerCall)
            calls.push_back(to_samples(batches, first, kStepsPerCall));
        Mlp net = make_mlp(make_mlp_init(peer_mlp_layers()));
        auto optimizer = make_optimizer();
        std::size_t next = 0;
        const double per_call = median_seconds(
            [&] {
                const Samples& s = calls[next++ % calls.size()];
                net.fit<td::cross_entropy_multiclass>(optimizer, s.x, s.t, batch, 1);
            },
            timing);
        return per_call / static_cast<double>(kStepsPerCall);
    }
    std::vector<LossPoint> train(const std::vector<Batch>& batches, const MlpInit& init) override {
        const std::size_t batch = batches.front().size;
        const Samples all = to_samples(batches, 0, batches.size());
        Mlp net = make_mlp(init);
        auto optimizer = make_optimizer();
        // fit() reports no loss: evaluate each batch before its step, off the clock.
        const auto loss_of = [&](std::size_t step) { return batch_loss(net, batches[step]); };
        std::vector<LossPoint> curve;
        double next_loss = loss_of(0), off_clock = 0;
        const double start = now_seconds();
        net.fit<td::cross_entropy_multiclass>(
            optimizer, all.x, all.t, batch, 1,
            [&] {
                const double t0 = now_seconds();
                curve.push_back({t0 - start - off_clock, next_loss});
                if (curve.size() < batches.size()) next_loss = loss_of(curve.size());
                off_clock += now_seconds() - t0;
            },
            [] {});
        return curve;
    }
};

}  // namespace

std::unique_ptr<MlpPeer> make_tinydnn_peer() { return std::make_unique<TinyDnnPeer>(); }

}  // namespace bench
