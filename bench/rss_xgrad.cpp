// One epoch of Fashion-MNIST on the 784-128-10 MLP with xgrad, batch 64, SGD momentum 0.9, one
// thread; it prints its peak RSS for xgrad_bench. Data handling is the same as torch_rss_epoch's.
#include <iostream>
#include <numeric>
#include <random>
#include <xtensor/xadapt.hpp>

#include "fashion.hpp"
#include "xgrad/blas.hpp"
#include "xgrad/nn.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/xgrad.hpp"

using namespace xgrad;

int main(int argc, char** argv) {
    const bench::Images data =
        bench::load_fashion_mnist(argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist");
    set_blas_threads(1);
    auto model = std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(784, 128),
                                                  std::make_shared<nn::ReLU>(),
                                                  std::make_shared<nn::Linear>(128, 10));
    const auto options = optim::SGDOptions(0.01).momentum(0.9);
    optim::SGD sgd(model->parameters(), options);
    std::vector<std::size_t> order(data.count);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::mt19937_64 engine(1);
    std::shuffle(order.begin(), order.end(), engine);
    const std::size_t batch = 64;
    double last = 0;
    for (std::size_t start = 0; start < data.count; start += batch) {
        const std::size_t n = std::min(batch, data.count - start);
        xt::xarray<float> x = xt::empty<float>({n, data.features});
        IndexArray labels = xt::empty<std::int64_t>({n});
        for (std::size_t r = 0; r < n; ++r) {
            data.copy_row(order[start + r], x.data() + r * data.features);
            labels(r) = data.labels[order[start + r]];
        }
        const Tensor loss = nn::cross_entropy((*model)(Tensor(std::move(x))), labels);
        sgd.zero_grad();
        loss.backward();
        sgd.step();
        last = loss.item();
    }
    std::cout << "last loss " << last << "\npeak_rss_bytes " << bench::peak_rss_bytes() << "\n";
}
