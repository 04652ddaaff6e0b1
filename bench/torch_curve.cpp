// libtorch's loss curve on the peers' MLP, op for op as xgrad_curve.cpp: torch::nn::Linear layers
// set to the common start, F::cross_entropy, torch::optim::SGD with momentum, gradients reset to
// None between steps as in torch_cases.cpp.
#include <torch/torch.h>

#include "peers.hpp"

namespace bench {

std::vector<LossPoint> torch_mlp_curve(const std::vector<Batch>& batches, const MlpInit& init) {
    torch::nn::Sequential model;
    for (std::size_t l = 0; l + 1 < init.layers.size(); ++l) {
        if (l > 0) model->push_back(torch::nn::ReLU());
        const auto in = static_cast<std::int64_t>(init.layers[l]);
        const auto out = static_cast<std::int64_t>(init.layers[l + 1]);
        torch::nn::Linear linear(in, out);
        torch::NoGradGuard no_grad;
        linear->weight.copy_(
            torch::from_blob(const_cast<float*>(init.weight[l].data()), {out, in}));
        linear->bias.copy_(torch::from_blob(const_cast<float*>(init.bias[l].data()), {out}));
        model->push_back(linear);
    }
    const auto params = model->parameters();
    torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01).momentum(0.9));

    std::vector<torch::Tensor> inputs, labels;
    for (const Batch& b : batches) {
        const auto rows = static_cast<std::int64_t>(b.size);
        const auto features = static_cast<std::int64_t>(init.layers.front());
        inputs.push_back(
            torch::from_blob(const_cast<float*>(b.x.data()), {rows, features}).clone());
        labels.push_back(
            torch::from_blob(const_cast<std::int64_t*>(b.labels.data()), {rows}, torch::kLong)
                .clone());
    }
    std::vector<LossPoint> curve;
    const double start = now_seconds();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto loss =
            torch::nn::functional::cross_entropy(model->forward(inputs[i]), labels[i]);
        for (const auto& p : params) p.mutable_grad().reset();
        loss.backward();
        sgd.step();
        curve.push_back({now_seconds() - start, loss.item<double>()});
    }
    return curve;
}

}  // namespace bench
