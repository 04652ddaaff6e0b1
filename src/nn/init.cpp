#include "xgrad/nn/init.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad::nn::init {

namespace {
/// Runs `fill(data, size)` on the leaf's array for its dtype.
template <class Fill>
Tensor fill(const char* name, Tensor tensor, Fill&& fill) {
    if (!tensor.defined()) throw ValueError(std::string("init::") + name + ": undefined tensor");
    if (!tensor.is_leaf())
        throw ValueError(std::string("init::") + name +
                         ": expected a leaf tensor, got the output of '" + tensor.op_name() + "'");
    std::visit([&](auto& a) { fill(a.data(), a.size()); }, tensor.node()->value);
    return tensor;
}

double fan(const char* name, const Tensor& tensor, FanMode mode) {
    const auto [fan_in, fan_out] = fan_in_and_fan_out(tensor);
    const std::size_t result = mode == FanMode::FanIn ? fan_in : fan_out;
    if (result == 0)
        throw ValueError(std::string("init::") + name + ": zero fan for shape " +
                         shape_str(tensor.shape()));
    return static_cast<double>(result);
}
}  // namespace

double calculate_gain(Nonlinearity nonlinearity, double negative_slope) {
    switch (nonlinearity) {
        case Nonlinearity::Linear:
        case Nonlinearity::Sigmoid:
            return 1.0;
        case Nonlinearity::Tanh:
            return 5.0 / 3.0;
        case Nonlinearity::ReLU:
            return std::sqrt(2.0);
        case Nonlinearity::LeakyReLU:
            return std::sqrt(2.0 / (1.0 + negative_slope * negative_slope));
    }
    throw ValueError("init::calculate_gain: unknown nonlinearity");
}

std::pair<std::size_t, std::size_t> fan_in_and_fan_out(const Tensor& tensor) {
    const Shape& shape = tensor.shape();
    if (shape.size() < 2)
        throw ValueError(
            "init::fan_in_and_fan_out: expected a tensor of at least 2 dimensions, got "
            "shape " +
            shape_str(shape));
    std::size_t receptive = 1;
    for (std::size_t i = 2; i < shape.size(); ++i) receptive *= shape[i];
    return {shape[1] * receptive, shape[0] * receptive};
}

Tensor constant_(Tensor tensor, double value) {
    return fill("constant_", std::move(tensor), [value](auto* data, std::size_t n) {
        using T = std::remove_pointer_t<decltype(data)>;
        std::fill(data, data + n, static_cast<T>(value));
    });
}

Tensor zeros_(Tensor tensor) { return constant_(std::move(tensor), 0.0); }

Tensor ones_(Tensor tensor) { return constant_(std::move(tensor), 1.0); }

Tensor uniform_(Tensor tensor, double low, double high, Generator& generator) {
    return fill("uniform_", std::move(tensor),
                [&](auto* data, std::size_t n) { generator.fill_uniform(data, n, low, high); });
}

Tensor normal_(Tensor tensor, double mean, double std, Generator& generator) {
    return fill("normal_", std::move(tensor),
                [&](auto* data, std::size_t n) { generator.fill_normal(data, n, mean, std); });
}

Tensor xavier_uniform_(Tensor tensor, double gain, Generator& generator) {
    const double fans = fan("xavier_uniform_", tensor, FanMode::FanIn) +
                        fan("xavier_uniform_", tensor, FanMode::FanOut);
    const double bound = gain * std::sqrt(6.0 / fans);
    return uniform_(std::move(tensor), -bound, bound, generator);
}

Tensor xavier_normal_(Tensor tensor, double gain, Generator& generator) {
    const double fans = fan("xavier_normal_", tensor, FanMode::FanIn) +
                        fan("xavier_normal_", tensor, FanMode::FanOut);
    const double std = gain * std::sqrt(2.0 / fans);
    return normal_(std::move(tensor), 0.0, std, generator);
}

Tensor kaiming_uniform_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity,
                        Generator& generator) {
    const double gain = calculate_gain(nonlinearity, a);
    const double bound = gain * std::sqrt(3.0 / fan("kaiming_uniform_", tensor, mode));
    return uniform_(std::move(tensor), -bound, bound, generator);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity,
                       Generator& generator) {
    const double gain = calculate_gain(nonlinearity, a);
    const double std = gain / std::sqrt(fan("kaiming_normal_", tensor, mode));
    return normal_(std::move(tensor), 0.0, std, generator);
}

}  // namespace xgrad::nn::init
