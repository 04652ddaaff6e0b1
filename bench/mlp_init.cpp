#include "mlp_init.hpp"

#include <cmath>
#include <random>

namespace bench {

MlpInit make_mlp_init(const std::vector<std::size_t>& layers, std::uint64_t seed) {
    MlpInit init;
    init.layers = layers;
    std::mt19937_64 engine(seed);
    for (std::size_t l = 0; l + 1 < layers.size(); ++l) {
        const float bound = 1.0f / std::sqrt(static_cast<float>(layers[l]));
        std::uniform_real_distribution<float> uniform(-bound, bound);
        std::vector<float> w(layers[l + 1] * layers[l]), b(layers[l + 1]);
        for (float& v : w) v = uniform(engine);
        for (float& v : b) v = uniform(engine);
        init.weight.push_back(std::move(w));
        init.bias.push_back(std::move(b));
    }
    return init;
}

}  // namespace bench
