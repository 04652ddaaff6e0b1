// The benchmark cases on libtorch, op for op the same as xgrad_cases.cpp: torch::nn::Linear layers
// in a torch::nn::Sequential, F::cross_entropy, torch::optim::SGD. Gradients are reset to None
// between steps (PyTorch 2.x's default, and the faster choice: autograd then hands its gradient
// buffer over instead of adding it into a zeroed one).
#include <torch/torch.h>

#include <limits>

#include "cases.hpp"

extern "C" void openblas_set_num_threads(int);

namespace bench {
namespace {

namespace F = torch::nn::functional;

void reset_grads(const std::vector<torch::Tensor>& params) {
    for (const auto& p : params) p.mutable_grad().reset();
}

torch::nn::Sequential make_mlp(const std::vector<std::size_t>& layers) {
    torch::nn::Sequential model;
    for (std::size_t i = 0; i + 1 < layers.size(); ++i) {
        if (i > 0) model->push_back(torch::nn::ReLU());
        model->push_back(torch::nn::Linear(static_cast<std::int64_t>(layers[i]),
                                           static_cast<std::int64_t>(layers[i + 1])));
    }
    return model;
}

/// The example's CNN, layer for layer as bench/xgrad_cases.cpp builds it.
torch::nn::Sequential make_cnn() {
    namespace nn = torch::nn;
    return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 32, 3).padding(1)), nn::BatchNorm2d(32),
                          nn::ReLU(), nn::MaxPool2d(2),
                          nn::Conv2d(nn::Conv2dOptions(32, 64, 3).padding(1)), nn::BatchNorm2d(64),
                          nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(64 * 7 * 7, 128),
                          nn::ReLU(), nn::Dropout(0.25), nn::Linear(128, 10));
}

class TorchSide : public Side {
public:
    std::string name() const override { return "libtorch"; }

    void set_threads(int threads) override {
        torch::set_num_threads(threads);
        openblas_set_num_threads(threads);
    }

    double mlp_step(const std::vector<std::size_t>& layers, const std::vector<Batch>& batches,
                    const TimingOptions& timing) override {
        std::vector<torch::Tensor> inputs, labels;
        for (const auto& b : batches) {
            const auto rows = static_cast<std::int64_t>(b.size);
            inputs.push_back(torch::from_blob(const_cast<float*>(b.x.data()),
                                              {rows, static_cast<std::int64_t>(layers.front())})
                                 .clone());
            labels.push_back(
                torch::from_blob(const_cast<std::int64_t*>(b.labels.data()), {rows}, torch::kLong)
                    .clone());
        }
        auto model = make_mlp(layers);
        const auto params = model->parameters();
        torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01).momentum(0.9));
        std::size_t next = 0;
        return median_seconds(
            [&] {
                const std::size_t i = next++ % inputs.size();
                const auto loss = F::cross_entropy(model->forward(inputs[i]), labels[i]);
                reset_grads(params);
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double cnn_step(const std::vector<Batch>& batches, const TimingOptions& timing) override {
        std::vector<torch::Tensor> inputs, labels;
        for (const auto& b : batches) {
            const auto rows = static_cast<std::int64_t>(b.size);
            inputs.push_back(
                torch::from_blob(const_cast<float*>(b.x.data()), {rows, 1, 28, 28}).clone());
            labels.push_back(
                torch::from_blob(const_cast<std::int64_t*>(b.labels.data()), {rows}, torch::kLong)
                    .clone());
        }
        auto model = make_cnn();
        const auto params = model->parameters();
        torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01).momentum(0.9));
        std::size_t next = 0;
        return median_seconds(
            [&] {
                const std::size_t i = next++ % inputs.size();
                const auto loss = F::cross_entropy(model->forward(inputs[i]), labels[i]);
                reset_grads(params);
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double conv_step(const ConvShape& c, const TimingOptions& timing) override {
        const auto i = [](std::size_t v) { return static_cast<std::int64_t>(v); };
        auto x =
            torch::randn({i(c.batch), i(c.channels), i(c.size), i(c.size)}, torch::requires_grad());
        auto w =
            torch::randn({i(c.out_channels), i(c.channels / c.groups), i(c.kernel), i(c.kernel)},
                         torch::requires_grad());
        const auto options =
            F::Conv2dFuncOptions().stride(i(c.stride)).padding(i(c.padding)).groups(i(c.groups));
        return median_seconds(
            [&] {
                reset_grads({x, w});
                F::conv2d(x, w, options).sum().backward();
            },
            timing);
    }

    double logistic_update(const LogisticData& data, const TimingOptions& timing) override {
        const std::size_t n = data.y.size();
        std::vector<torch::Tensor> xs, ys;
        for (std::size_t i = 0; i < n; ++i) {
            xs.push_back(torch::tensor({data.x[2 * i], data.x[2 * i + 1]}));
            ys.push_back(torch::tensor(data.y[i]));
        }
        auto w = torch::zeros({2}, torch::requires_grad());
        auto b = torch::zeros({}, torch::requires_grad());
        torch::optim::SGD sgd({w, b}, torch::optim::SGDOptions(0.1));
        std::size_t next = 0;
        return median_seconds(
            [&] {
                const std::size_t i = next++ % n;
                const auto score = (w * xs[i]).sum() + b;
                // soft_margin_loss = log(1 + e^(-y f)): one op, as xgrad's logistic_loss.
                const auto loss = F::soft_margin_loss(
                    score, ys[i], F::SoftMarginLossFuncOptions().reduction(torch::kSum));
                reset_grads({w, b});
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double lstm_step(const LstmShape& c, const TimingOptions& timing) override {
        const auto i = [](std::size_t v) { return static_cast<std::int64_t>(v); };
        const auto x = torch::randn({i(c.steps), i(c.batch), i(c.input)});
        torch::nn::LSTM lstm(
            torch::nn::LSTMOptions(i(c.input), i(c.hidden)).num_layers(i(c.layers)));
        const auto params = lstm->parameters();
        torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01).momentum(0.9));
        return median_seconds(
            [&] {
                const auto out = std::get<0>(lstm->forward(x));
                const auto loss = (out * out).mean();
                reset_grads(params);
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double transformer_step(const TransformerShape& c, const TimingOptions& timing) override {
        const auto i = [](std::size_t v) { return static_cast<std::int64_t>(v); };
        const auto x = torch::randn({i(c.steps), i(c.batch), i(c.d_model)});
        const auto mask = torch::triu(
            torch::full({i(c.steps), i(c.steps)}, -std::numeric_limits<float>::infinity()), 1);
        torch::nn::TransformerEncoderLayer layer(
            torch::nn::TransformerEncoderLayerOptions(i(c.d_model), i(c.heads))
                .dim_feedforward(i(c.feedforward))
                .dropout(0.0));
        const auto params = layer->parameters();
        torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01).momentum(0.9));
        return median_seconds(
            [&] {
                const auto out = layer->forward(x, mask);
                const auto loss = (out * out).mean();
                reset_grads(params);
                loss.backward();
                sgd.step();
            },
            timing);
    }

    double tanh_chain(const std::vector<float>& values, const TimingOptions& timing) override {
        const auto x = torch::from_blob(const_cast<float*>(values.data()),
                                        {static_cast<std::int64_t>(values.size())})
                           .clone();
        auto a = torch::full({}, 0.5f, torch::requires_grad());
        auto b = torch::full({}, -0.25f, torch::requires_grad());
        return median_seconds(
            [&] {
                const auto y = torch::tanh(x * a + b).sum();
                reset_grads({a, b});
                y.backward();
            },
            timing);
    }
};

}  // namespace

std::unique_ptr<Side> make_torch_side() { return std::make_unique<TorchSide>(); }

}  // namespace bench
