// The benchmark cases on xgrad, written as a user of the library writes them: nn::Linear layers in
// an nn::Sequential, the fused nn::cross_entropy, optim::SGD.
#include <xtensor/xadapt.hpp>

#include "cases.hpp"
#include "xgrad/blas.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/xgrad.hpp"

namespace bench {
namespace {

using namespace xgrad;

Tensor matrix(const std::vector<float>& values, std::size_t rows, std::size_t cols) {
    xt::xarray<float> a = xt::adapt(values, std::vector<std::size_t>{rows, cols});
    return Tensor(std::move(a));
}

std::shared_ptr<nn::Sequential> make_mlp(const std::vector<std::size_t>& layers) {
    auto model = std::make_shared<nn::Sequential>();
    for (std::size_t i = 0; i + 1 < layers.size(); ++i) {
        if (i > 0) model->push_back(std::make_shared<nn::ReLU>());
        model->push_back(std::make_shared<nn::Linear>(layers[i], layers[i + 1]));
    }
    return model;
}

/// The example's CNN (examples/fashion_mnist.cpp --model cnn).
std::shared_ptr<nn::Sequential> make_cnn() {
    return std::make_shared<nn::Sequential>(
        std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 32, 3).padding(1)),
        std::make_shared<nn::BatchNorm2d>(32), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::MaxPool2d>(2),
        std::make_shared<nn::Conv2d>(nn::Conv2dOptions(32, 64, 3).padding(1)),
        std::make_shared<nn::BatchNorm2d>(64), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::MaxPool2d>(2), std::make_shared<nn::Flatten>(),
        std::make_shared<nn::Linear>(64 * 7 * 7, 128), std::make_shared<nn::ReLU>(),
        std::make_shared<nn::Dropout>(0.25), std::make_shared<nn::Linear>(128, 10));
}

class XgradSide : public Side {
public:
    std::string name() const override { return "xgrad"; }

    void set_threads(int threads) override { set_num_threads(threads); }

    double mlp_step(const std::vector<std::size_t>& layers, const std::vector<Batch>& batches,
                    const TimingOptions& timing) override {
        std::vector<Tensor> inputs;
        std::vector<IndexArray> labels;
        for (const auto& b : batches) {
            inputs.push_back(matrix(b.x, b.size, layers.front()));
            labels.push_back(xt::adapt(b.labels, std::vector<std::size_t>{b.size}));
        }
        auto model = make_mlp(layers);
        const auto options = optim::SGDOptions(0.01).momentum(0.9);
        optim::SGD sgd(model->parameters(), options);
        std::size_t next = 0;
        return median_seconds(
            [&] {
                const std::size_t i = next++ % inputs.size();
                const Tensor loss = nn::cross_entropy((*model)(inputs[i]), labels[i]);
                sgd.zero_grad();
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double cnn_step(const std::vector<Batch>& batches, const TimingOptions& timing) override {
        std::vector<Tensor> inputs;
        std::vector<IndexArray> labels;
        for (const auto& b : batches) {
            xt::xarray<float> a = xt::adapt(b.x, std::vector<std::size_t>{b.size, 1, 28, 28});
            inputs.push_back(Tensor(std::move(a)));
            labels.push_back(xt::adapt(b.labels, std::vector<std::size_t>{b.size}));
        }
        auto model = make_cnn();
        const auto options = optim::SGDOptions(0.01).momentum(0.9);
        optim::SGD sgd(model->parameters(), options);
        std::size_t next = 0;
        return median_seconds(
            [&] {
                const std::size_t i = next++ % inputs.size();
                const Tensor loss = nn::cross_entropy((*model)(inputs[i]), labels[i]);
                sgd.zero_grad();
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double conv_step(const ConvShape& c, const TimingOptions& timing) override {
        Tensor x = randn({c.batch, c.channels, c.size, c.size}, requires_grad());
        Tensor w =
            randn({c.out_channels, c.channels / c.groups, c.kernel, c.kernel}, requires_grad());
        return median_seconds(
            [&] {
                x.zero_grad();
                w.zero_grad();
                sum(conv2d(x, w, Tensor(), c.stride, c.padding, 1, c.groups)).backward();
            },
            timing);
    }

    double logistic_update(const LogisticData& data, const TimingOptions& timing) override {
        const std::size_t n = data.y.size();
        std::vector<Tensor> xs, ys;
        for (std::size_t i = 0; i < n; ++i) {
            xs.push_back(Tensor({data.x[2 * i], data.x[2 * i + 1]}));
            ys.push_back(Tensor(data.y[i]));
        }
        Tensor w = zeros({2}, requires_grad());
        Tensor b = zeros({}, requires_grad());
        const auto options = optim::SGDOptions(0.1);
        optim::SGD sgd({w, b}, options);
        std::size_t next = 0;
        return median_seconds(
            [&] {
                const std::size_t i = next++ % n;
                const Tensor score = sum(w * xs[i]) + b;
                const Tensor loss = nn::logistic_loss(score, ys[i], nn::Reduction::Sum);
                sgd.zero_grad();
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double lstm_step(const LstmShape& c, const TimingOptions& timing) override {
        const Tensor x = randn({c.steps, c.batch, c.input});
        nn::LSTM lstm(c.input, c.hidden, c.layers);
        const auto options = optim::SGDOptions(0.01).momentum(0.9);
        optim::SGD sgd(lstm.parameters(), options);
        return median_seconds(
            [&] {
                const Tensor out = lstm(x);
                const Tensor loss = mean(out * out);
                sgd.zero_grad();
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double transformer_step(const TransformerShape& c, const TimingOptions& timing) override {
        const Tensor x = randn({c.steps, c.batch, c.d_model});
        const Tensor mask = causal_mask(c.steps);
        nn::TransformerEncoderLayer layer(nn::TransformerEncoderLayerOptions(c.d_model, c.heads)
                                              .dim_feedforward(c.feedforward)
                                              .dropout(0.0));
        const auto options = optim::SGDOptions(0.01).momentum(0.9);
        optim::SGD sgd(layer.parameters(), options);
        return median_seconds(
            [&] {
                const Tensor out = layer.forward(x, mask);
                const Tensor loss = mean(out * out);
                sgd.zero_grad();
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double tanh_chain(const std::vector<float>& values, const TimingOptions& timing) override {
        const Tensor x(
            xt::xarray<float>(xt::adapt(values, std::vector<std::size_t>{values.size()})));
        Tensor a(0.5, requires_grad());
        Tensor b(-0.25, requires_grad());
        return median_seconds(
            [&] {
                const Tensor y = sum(tanh(x * a + b));
                a.zero_grad();
                b.zero_grad();
                y.backward();
            },
            timing);
    }
};

}  // namespace

std::string xgrad_blas_summary() {
    const BlasInfo info = blas_info();
    return info.kernel + (info.fallback ? " 1 " + info.suggested_coretype : " 0 -") + " " +
           (info.cpu_simd.empty() ? "-" : info.cpu_simd);
}

std::unique_ptr<Side> make_xgrad_side() { return std::make_unique<XgradSide>(); }

}  // namespace bench
