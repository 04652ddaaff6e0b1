// One epoch of Fashion-MNIST on the 784-128-10 MLP with libtorch, batch 64, SGD momentum 0.9, one
// thread; it prints its peak RSS for xgrad_bench. Data handling is the same as xgrad_rss_epoch's.
#include <torch/torch.h>

#include <iostream>
#include <numeric>
#include <random>

#include "fashion.hpp"

extern "C" void openblas_set_num_threads(int);

int main(int argc, char** argv) {
    const bench::Images data =
        bench::load_fashion_mnist(argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist");
    torch::set_num_threads(1);
    openblas_set_num_threads(1);
    torch::nn::Sequential model(torch::nn::Linear(784, 128), torch::nn::ReLU(),
                                torch::nn::Linear(128, 10));
    const auto params = model->parameters();
    torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01).momentum(0.9));
    std::vector<std::size_t> order(data.count);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::mt19937_64 engine(1);
    std::shuffle(order.begin(), order.end(), engine);
    const std::size_t batch = 64;
    const auto features = static_cast<std::int64_t>(data.features);
    double last = 0;
    for (std::size_t start = 0; start < data.count; start += batch) {
        const std::size_t n = std::min(batch, data.count - start);
        auto x = torch::empty({static_cast<std::int64_t>(n), features});
        auto labels = torch::empty({static_cast<std::int64_t>(n)}, torch::kLong);
        for (std::size_t r = 0; r < n; ++r) {
            data.copy_row(order[start + r], x.data_ptr<float>() + r * data.features);
            labels.data_ptr<std::int64_t>()[r] = data.labels[order[start + r]];
        }
        const auto loss = torch::nn::functional::cross_entropy(model->forward(x), labels);
        for (const auto& p : params) p.mutable_grad().reset();
        loss.backward();
        sgd.step();
        last = loss.item<double>();
    }
    std::cout << "last loss " << last << "\npeak_rss_bytes " << bench::peak_rss_bytes() << "\n";
}
