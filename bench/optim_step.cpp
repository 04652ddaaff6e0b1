// Optimizer step time on the parameters of the MLP 784-256-128-10 (235 146 values, float32), and
// a hash of the parameters' bits after 20 steps in float32 and float64 for each rule and option
// set: equal hashes before and after a change of src/optim mean the same roundings (the golden
// replays of tests/test_optim.cpp compare within a tolerance). `--hash-only` skips the timing.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>
#include <xgrad/optim/adadelta.hpp>
#include <xgrad/optim/adagrad.hpp>
#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/adamax.hpp>
#include <xgrad/optim/asgd.hpp>
#include <xgrad/optim/nadam.hpp>
#include <xgrad/optim/radam.hpp>
#include <xgrad/optim/rmsprop.hpp>
#include <xgrad/optim/rprop.hpp>
#include <xgrad/optim/sgd.hpp>

#include "timing.hpp"

using namespace xgrad;

template <class T>
std::vector<Tensor> make_params(std::uint32_t seed) {
    const std::vector<std::vector<std::size_t>> shapes = {{256, 784}, {256},     {128, 256},
                                                          {128},      {10, 128}, {10}};
    std::mt19937 gen(seed);
    std::normal_distribution<double> normal(0.0, 0.05);
    std::vector<Tensor> params;
    for (const auto& s : shapes) {
        xt::xarray<T> value(s), grad(s);
        for (auto& v : value) v = T(normal(gen));
        for (auto& v : grad) v = T(normal(gen));
        grad.data()[0] = T(0);  // a zero gradient (Rprop's sign 0)
        Tensor p(value, true);
        p.set_grad(Tensor(grad));
        params.push_back(p);
    }
    return params;
}

template <class T>
std::uint64_t hash_bits(const std::vector<Tensor>& params) {
    std::uint64_t h = 1469598103934665603ull;
    for (const auto& p : params)
        for (T v : p.value<T>()) {
            unsigned char b[sizeof(T)];
            std::memcpy(b, &v, sizeof(T));
            for (unsigned char c : b) h = (h ^ c) * 1099511628211ull;
        }
    return h;
}

using Factory = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>;

int main(int argc, char** argv) {
    const bool timing = argc < 2 || std::string(argv[1]) != "--hash-only";
    std::vector<std::pair<std::string, Factory>> cases;
    auto add = [&](std::string name, Factory f) {
        cases.emplace_back(std::move(name), std::move(f));
    };
    add("SGD momentum 0.9", [](auto p) {
        return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.01).momentum(0.9));
    });
    add("SGD plain",
        [](auto p) { return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.01)); });
    add("SGD nesterov wd maximize", [](auto p) {
        return std::make_unique<optim::SGD>(
            p,
            optim::SGDOptions(0.01).momentum(0.9).nesterov(true).weight_decay(1e-4).maximize(true));
    });
    add("Adam", [](auto p) { return std::make_unique<optim::Adam>(p, optim::AdamOptions()); });
    add("Adam amsgrad wd", [](auto p) {
        return std::make_unique<optim::Adam>(p,
                                             optim::AdamOptions().amsgrad(true).weight_decay(1e-2));
    });
    add("AdamW", [](auto p) { return std::make_unique<optim::AdamW>(p, optim::AdamWOptions()); });
    add("RMSprop",
        [](auto p) { return std::make_unique<optim::RMSprop>(p, optim::RMSpropOptions()); });
    add("RMSprop centered momentum", [](auto p) {
        return std::make_unique<optim::RMSprop>(
            p, optim::RMSpropOptions(1e-3).centered(true).momentum(0.9));
    });
    add("Adagrad",
        [](auto p) { return std::make_unique<optim::Adagrad>(p, optim::AdagradOptions()); });
    add("Adadelta",
        [](auto p) { return std::make_unique<optim::Adadelta>(p, optim::AdadeltaOptions()); });
    add("Adamax",
        [](auto p) { return std::make_unique<optim::Adamax>(p, optim::AdamaxOptions()); });
    add("ASGD",
        [](auto p) { return std::make_unique<optim::ASGD>(p, optim::ASGDOptions().t0(5)); });
    add("NAdam", [](auto p) { return std::make_unique<optim::NAdam>(p, optim::NAdamOptions()); });
    add("RAdam", [](auto p) {
        return std::make_unique<optim::RAdam>(p, optim::RAdamOptions().weight_decay(1e-3));
    });
    add("Rprop maximize", [](auto p) {
        return std::make_unique<optim::Rprop>(p, optim::RpropOptions().maximize(true));
    });
    for (auto& [name, factory] : cases) {
        // Bits after 20 steps, float and double, gradients flipping sign every 3 steps.
        auto replay = [&, f = factory](auto tag) {
            using T = decltype(tag);
            auto params = make_params<T>(7);
            auto opt = f(params);
            for (int s = 0; s < 20; ++s) {
                if (s % 3 == 2)
                    for (auto& p : params) {
                        xt::xarray<T> g = p.grad().template value<T>();
                        for (auto& v : g) v = -v * T(0.9);
                        p.set_grad(Tensor(g));
                    }
                opt->step();
            }
            return hash_bits<T>(params);
        };
        std::printf("%-28s hash f32 %016llx f64 %016llx", name.c_str(),
                    (unsigned long long)replay(float{}), (unsigned long long)replay(double{}));
        if (timing) {
            auto params = make_params<float>(7);
            auto opt = factory(params);
            bench::TimingOptions t;
            t.samples = 51;
            const double s = bench::median_seconds([&] { opt->step(); }, t);
            std::printf("  step %8.1f us", s * 1e6);
        }
        std::printf("\n");
    }
}
