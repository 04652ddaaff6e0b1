#pragma once
// Shared by the test files: deterministic float64 inputs and a gradcheck assertion.

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <random>

#include "xgrad/xgrad.hpp"

namespace xgrad::testing {

/// A float64 tensor of `shape` with values uniform in [low, high), reproducible from `seed`.
inline Tensor uniform(const Shape& shape, std::uint64_t seed, double low = -1.0, double high = 1.0,
                      bool requires_grad = true) {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> dist(low, high);
    xt::xarray<double> values = xt::empty<double>(shape);
    for (auto& v : values) v = dist(engine);
    return Tensor(values, TensorOptions().requires_grad(requires_grad));
}

/// Values away from zero (for |x|, relu, ... whose derivative jumps at 0).
inline Tensor away_from_zero(const Shape& shape, std::uint64_t seed) {
    Tensor t = uniform(shape, seed, 0.2, 1.5, false);
    auto& v = t.value<double>();
    for (std::size_t i = 0; i < v.size(); ++i) v.data()[i] *= (i % 2 == 0 ? 1.0 : -1.0);
    return t.requires_grad_(true);
}

/// The raw bytes of a tensor's values: comparing them checks bit identity (NaN, -0.0 included).
inline std::string bits(const Tensor& t) {
    return std::visit(
        [](const auto& a) {
            return std::string(reinterpret_cast<const char*>(a.data()),
                               a.size() * sizeof(typename std::decay_t<decltype(a)>::value_type));
        },
        array_of(t));
}

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

/// Largest |a - b| / (1 + |b|) over the elements (shapes must agree).
inline double max_error(const Tensor& a, const Tensor& b) {
    BOOST_REQUIRE_MESSAGE(a.shape() == b.shape(), "shapes differ: " << shape_str(a.shape())
                                                                    << " vs "
                                                                    << shape_str(b.shape()));
    const auto va = a.to_vector(), vb = b.to_vector();
    double worst = 0.0;
    for (std::size_t i = 0; i < va.size(); ++i)
        worst = std::max(worst, std::abs(va[i] - vb[i]) / (1.0 + std::abs(vb[i])));
    return worst;
}

}  // namespace xgrad::testing

/// Gradchecks `fn` at `inputs` (float64) and reports the first mismatch on failure.
#define XGRAD_CHECK_GRAD(fn, ...)                                            \
    do {                                                                     \
        const auto gradcheck_result = ::xgrad::gradcheck((fn), __VA_ARGS__); \
        BOOST_TEST(gradcheck_result.ok, gradcheck_result.report);            \
    } while (0)

/// Asserts that `statement` throws `type` with `fragment` in its message.
#define XGRAD_CHECK_THROWS(statement, type, fragment)                                 \
    BOOST_CHECK_EXCEPTION(statement, type, [](const type& e) {                        \
        const bool found = std::string(e.what()).find(fragment) != std::string::npos; \
        if (!found) BOOST_TEST_MESSAGE("message was: " << e.what());                  \
        return found;                                                                 \
    })
