// The MLP 784-128-10 on dlib's DNN (Debian libdlib-dev 19.24): fc<128>, relu, fc<10> under
// loss_multiclass_log (softmax cross-entropy, the mean over the batch), stepped by hand as
// dnn_trainer does it without its thread: compute_parameter_gradients, then update_parameters with
// one dlib::sgd solver per layer, weight decay 0, momentum 0.9, learning rate 0.01. On the CPU
// dlib's fc layers are BLAS gemm calls and its other layers plain loops, so its threads are BLAS's.
#include <dlfcn.h>
#include <dlib/dnn.h>
#include <dlib/revision.h>

#include "peers.hpp"

extern "C" void openblas_set_num_threads(int);

namespace bench {
namespace {

using Net = dlib::loss_multiclass_log<
    dlib::fc<10, dlib::relu<dlib::fc<128, dlib::input<dlib::matrix<float>>>>>>;

/// A batch as dlib's input: its samples as a tensor and the labels as unsigned long.
struct DlibBatch {
    dlib::resizable_tensor x;
    std::vector<unsigned long> labels;
};

/// Copies one layer of `init` (libtorch's (out, in) layout) into an fc layer, whose parameters
/// are W (in, out) row-major followed by the bias row.
template <class Fc>
void set_fc(Fc& fc, const std::vector<float>& weight, const std::vector<float>& bias) {
    auto w = fc.get_weights();
    auto b = fc.get_biases();
    const std::size_t out = bias.size(), in = weight.size() / out;
    float* wp = w.host();
    for (std::size_t o = 0; o < out; ++o)
        for (std::size_t i = 0; i < in; ++i) wp[i * out + o] = weight[o * in + i];
    std::copy(bias.begin(), bias.end(), b.host());
}

/// A net at `init` with its solvers. dlib sets its layers up on the first forward pass.
struct DlibMlp {
    Net net;
    std::vector<dlib::sgd> solvers{Net::num_computational_layers, dlib::sgd(0.0f, 0.9f)};
    std::vector<DlibBatch> data;

    /// Converts `batches` with the net's input layer (it records how the samples map to tensor
    /// rows), sets the layers up on the first and copies `init` into them.
    DlibMlp(const MlpInit& init, const std::vector<Batch>& batches) {
        for (const Batch& b : batches) {
            const long features = static_cast<long>(b.x.size() / b.size);
            std::vector<dlib::matrix<float>> samples(b.size);
            for (std::size_t r = 0; r < b.size; ++r)
                samples[r] = dlib::mat(b.x.data() + r * features, features, 1);
            DlibBatch converted;
            net.to_tensor(samples.begin(), samples.end(), converted.x);
            converted.labels.assign(b.labels.begin(), b.labels.end());
            data.push_back(std::move(converted));
        }
        net.forward(data.front().x);
        set_fc(dlib::layer<3>(net).layer_details(), init.weight[0], init.bias[0]);
        set_fc(dlib::layer<1>(net).layer_details(), init.weight[1], init.bias[1]);
    }
    /// One step on batch `i`; returns its loss before the update.
    double step(std::size_t i) {
        const DlibBatch& b = data[i];
        const double loss = net.compute_parameter_gradients(b.x, b.labels.begin());
        net.update_parameters(solvers, 0.01);
        return loss;
    }
};

class DlibPeer : public MlpPeer {
public:
    std::string name() const override {
        return "dlib " + std::to_string(DLIB_MAJOR_VERSION) + "." +
               std::to_string(DLIB_MINOR_VERSION);
    }
    std::string update_rule() const override {
        return "dlib::sgd(weight_decay 0, momentum 0.9), lr 0.01: v = 0.9 v - 0.01 g; w += v";
    }
    bool set_threads(int threads) override {
        // dlib links libblas.so.3; when that is a second OpenBLAS (Debian's alternative), tell it
        // too, in case its symbols were not the ones the process binds.
        openblas_set_num_threads(threads);
        if (void* blas = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD)) {
            using SetThreads = void (*)(int);
            if (auto set = reinterpret_cast<SetThreads>(dlsym(blas, "openblas_set_num_threads")))
                set(threads);
            dlclose(blas);
        }
        return true;
    }
    double step_seconds(const std::vector<Batch>& batches, const TimingOptions& timing) override {
        DlibMlp mlp(make_mlp_init(peer_mlp_layers()), batches);
        std::size_t next = 0;
        return median_seconds([&] { mlp.step(next++ % batches.size()); }, timing);
    }
    std::vector<LossPoint> train(const std::vector<Batch>& batches, const MlpInit& init) override {
        DlibMlp mlp(init, batches);
        std::vector<LossPoint> curve;
        const double start = now_seconds();
        for (std::size_t i = 0; i < batches.size(); ++i) {
            const double loss = mlp.step(i);
            curve.push_back({now_seconds() - start, loss});
        }
        return curve;
    }
};

}  // namespace

std::unique_ptr<MlpPeer> make_dlib_peer() { return std::make_unique<DlibPeer>(); }

}  // namespace bench
