#include "xgrad/random.hpp"

#include <cmath>
#include <sstream>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad {

Generator::Generator(std::uint64_t seed) : seed_(seed), engine_(seed) {}

void Generator::manual_seed(std::uint64_t seed) {
    seed_ = seed;
    engine_.seed(seed);
}

std::string Generator::state() const {
    std::ostringstream out;
    out << seed_ << ' ' << engine_;
    return out.str();
}

void Generator::set_state(const std::string& state) {
    std::istringstream in(state);
    std::uint64_t seed = 0;
    std::mt19937_64 engine;
    in >> seed >> engine;
    if (in.fail() || !(in >> std::ws).eof())
        throw ValueError("Generator::set_state: malformed state text (expected the seed and " +
                         std::to_string(std::mt19937_64::state_size) +
                         " engine words written by Generator::state())");
    seed_ = seed;
    engine_ = engine;
}

double Generator::normal(double mean, double std) {
    return std::normal_distribution<double>(mean, std)(engine_);
}

double Generator::uniform(double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(engine_);
}

std::uint64_t Generator::index(std::uint64_t n) {
    if (n == 0) throw ValueError("Generator::index: expected n > 0");
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
}

namespace {
template <class T>
void fill_normal_impl(std::mt19937_64& engine, T* out, std::size_t n, double mean, double std) {
    if (!(std >= 0.0))
        throw ValueError("Generator::fill_normal: std must be >= 0, got " + std::to_string(std));
    std::normal_distribution<double> dist(mean, std);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(dist(engine));
}

template <class T>
void fill_uniform_impl(std::mt19937_64& engine, T* out, std::size_t n, double low, double high) {
    if (!(low <= high))
        throw ValueError("Generator::fill_uniform: expected low <= high, got [" +
                         std::to_string(low) + ", " + std::to_string(high) + ")");
    std::uniform_real_distribution<double> dist(low, high);
    for (std::size_t i = 0; i < n; ++i) {
        T value = static_cast<T>(dist(engine));
        // Rounding a double just below `high` to float can land on `high`; keep [low, high).
        if (value >= static_cast<T>(high) && high > low)
            value = std::nextafter(static_cast<T>(high), static_cast<T>(low));
        out[i] = value;
    }
}
}  // namespace

void Generator::fill_normal(float* out, std::size_t n, double mean, double std) {
    fill_normal_impl(engine_, out, n, mean, std);
}
void Generator::fill_normal(double* out, std::size_t n, double mean, double std) {
    fill_normal_impl(engine_, out, n, mean, std);
}
void Generator::fill_uniform(float* out, std::size_t n, double low, double high) {
    fill_uniform_impl(engine_, out, n, low, high);
}
void Generator::fill_uniform(double* out, std::size_t n, double low, double high) {
    fill_uniform_impl(engine_, out, n, low, high);
}

Generator& default_generator() {
    static Generator generator;
    return generator;
}

void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

namespace {
template <class Fill>
Tensor sampled(const Shape& shape, const TensorOptions& options, Fill&& fill) {
    Array value = dispatch(options.dtype_or(DType::Float32), [&](auto tag) -> Array {
        using T = decltype(tag);
        xt::xarray<T> a = xt::xarray<T>::from_shape(shape);
        fill(a.data(), a.size());
        return Array(std::move(a));
    });
    return make_leaf(std::move(value), options.requires_grad());
}
}  // namespace

Tensor randn(const Shape& shape, const TensorOptions& options) {
    return sampled(shape, options,
                   [](auto* out, std::size_t n) { default_generator().fill_normal(out, n); });
}
Tensor rand(const Shape& shape, const TensorOptions& options) {
    return sampled(shape, options,
                   [](auto* out, std::size_t n) { default_generator().fill_uniform(out, n); });
}

Tensor randn(const Shape& shape, DType dtype, bool requires_grad) {
    return randn(shape, TensorOptions(dtype).requires_grad(requires_grad));
}
Tensor rand(const Shape& shape, DType dtype, bool requires_grad) {
    return rand(shape, TensorOptions(dtype).requires_grad(requires_grad));
}

}  // namespace xgrad
