// xgrad's loss curve on the peers' MLP, written as a user writes a training loop: nn::Linear
// layers set to the common start, nn::cross_entropy, optim::SGD with momentum.
#include <xtensor/xadapt.hpp>

#include "peers.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/xgrad.hpp"

namespace bench {

std::vector<LossPoint> xgrad_mlp_curve(const std::vector<Batch>& batches, const MlpInit& init) {
    using namespace xgrad;
    nn::Sequential model;
    std::vector<Tensor> params;
    for (std::size_t l = 0; l + 1 < init.layers.size(); ++l) {
        if (l > 0) model.push_back(std::make_shared<nn::ReLU>());
        const std::size_t in = init.layers[l], out = init.layers[l + 1];
        auto linear = model.push_back(std::make_shared<nn::Linear>(in, out));
        Tensor weight = linear->weight(), bias = linear->bias();
        weight.value<float>() = xt::adapt(init.weight[l], std::vector<std::size_t>{out, in});
        bias.value<float>() = xt::adapt(init.bias[l], std::vector<std::size_t>{out});
    }
    const auto options = optim::SGDOptions(0.01).momentum(0.9);
    optim::SGD sgd(model.parameters(), options);

    std::vector<Tensor> inputs;
    std::vector<IndexArray> labels;
    for (const Batch& b : batches) {
        inputs.emplace_back(xt::xarray<float>(
            xt::adapt(b.x, std::vector<std::size_t>{b.size, init.layers.front()})));
        labels.push_back(xt::adapt(b.labels, std::vector<std::size_t>{b.size}));
    }
    std::vector<LossPoint> curve;
    const double start = now_seconds();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Tensor loss = nn::cross_entropy(model(inputs[i]), labels[i]);
        sgd.zero_grad();
        loss.backward();
        sgd.step();
        curve.push_back({now_seconds() - start, loss.item()});
    }
    return curve;
}

}  // namespace bench
