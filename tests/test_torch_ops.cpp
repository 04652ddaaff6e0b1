// Ops with PyTorch's semantics: squeeze, one-sided clamp, softplus(beta, threshold),
// pow(scalar, Tensor) and from_vector. Reference values were computed with Debian's python3-torch
// 1.13 (/usr/bin/python3) on the CPU from the inputs written here and printed with float() or
// repr(); the torch call is quoted above each check.
#include <cmath>

#include "helpers.hpp"

using namespace xgrad;
using xgrad::testing::uniform;
using V = std::vector<Tensor>;
using D = std::vector<double>;
namespace tt = boost::test_tools;

namespace {
/// The gradient of sum(tanh(f(x))) with create_graph: gradchecking it checks second order.
template <class F>
auto second_order(F f) {
    return [f](const V& v) { return grad({sum(tanh(f(v[0])))}, {v[0]}, {}, true)[0]; };
}
}  // namespace

BOOST_AUTO_TEST_SUITE(torch_ops)

BOOST_AUTO_TEST_CASE(squeeze_as_torch) {
    // torch.zeros(2,1,3,1): squeeze() -> (2, 3), squeeze(0) -> unchanged, squeeze(-1) -> (2, 1, 3)
    const Tensor x = uniform({2, 1, 3, 1}, 210);
    BOOST_TEST(squeeze(x).shape() == Shape({2, 3}));
    BOOST_TEST(squeeze(x, 0).shape() == Shape({2, 1, 3, 1}));
    BOOST_TEST(squeeze(x, 0).same(x));
    BOOST_TEST(squeeze(x, -1).shape() == Shape({2, 1, 3}));
    BOOST_TEST(squeeze(Tensor(2.0), 0).dim() == 0u);
    XGRAD_CHECK_GRAD([](const V& v) { return squeeze(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return squeeze(v[0], 1); }, {x});
    XGRAD_CHECK_THROWS(squeeze(x, 4), IndexError, "squeeze");
}

BOOST_AUTO_TEST_CASE(one_sided_clamp_matches_torch) {
    // torch.clamp(x, min=0.0) and torch.clamp(x, max=1.0)
    const Tensor x({-3.0, -0.5, 0.0, 0.4, 2.0, 7.0, 12.0}, DType::Float64);
    BOOST_TEST(clamp(x, 0.0, std::nullopt).to_vector() == D({0, 0, 0, 0.4, 2, 7, 12}),
               tt::per_element());
    BOOST_TEST(clamp_max(x, 1.0).to_vector() == D({-3, -0.5, 0, 0.4, 1, 1, 1}), tt::per_element());
    BOOST_TEST(clamp_min(x, 0.0).to_vector() == clamp(x, 0.0, {}).to_vector(), tt::per_element());
    const Tensor kinked = xgrad::testing::away_from_zero({3, 4}, 211);
    XGRAD_CHECK_GRAD([](const V& v) { return clamp(v[0], std::nullopt, 0.5); }, {kinked});
    XGRAD_CHECK_GRAD([](const V& v) { return clamp_min(v[0], -0.3); }, {kinked});
    XGRAD_CHECK_THROWS(clamp(x, std::nullopt, std::nullopt), ValueError, "clamp: neither");
}

BOOST_AUTO_TEST_CASE(clamp_with_min_above_max_is_max_as_torch) {
    // torch.clamp(x, min=2.0, max=1.0) is 1 everywhere, and x.grad is 0 everywhere.
    const Tensor x = Tensor({-3.0, 0.5, 1.0, 1.5, 2.0, 7.0}, DType::Float64).requires_grad_();
    const Tensor y = clamp(x, 2.0, 1.0);
    BOOST_TEST(y.to_vector() == D({1, 1, 1, 1, 1, 1}), tt::per_element());
    sum(y).backward();
    BOOST_TEST(x.grad().to_vector() == D({0, 0, 0, 0, 0, 0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(softplus_beta_threshold_matches_torch) {
    // torch.nn.functional.softplus(x, beta=2.0, threshold=10.0), then .sum().backward()
    const Tensor x({-3.0, -0.5, 0.0, 0.4, 2.0, 7.0, 12.0},
                   TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = softplus(x, 2.0, 10.0);
    BOOST_TEST(y.to_vector() == D({0.0012378425688652247, 0.15663084375911143, 0.34657359027997264,
                                   0.5855503329738889, 2.0090749639589047, 7.0, 12.0}),
               tt::tolerance(1e-15) << tt::per_element());
    sum(y).backward();
    BOOST_TEST(x.grad().to_vector() == D({0.0024726231566347748, 0.2689414213699951, 0.5,
                                          0.6899744811276125, 0.9820137900379085, 1.0, 1.0}),
               tt::tolerance(1e-15) << tt::per_element());
    // Both sides of the threshold (beta x = 10 at x = 5), first and second order.
    const Tensor z = uniform({3, 4}, 212, -3.0, 8.0);
    const auto f = [](const Tensor& t) { return softplus(t, 2.0, 10.0); };
    XGRAD_CHECK_GRAD([f](const V& v) { return f(v[0]); }, {z});
    XGRAD_CHECK_GRAD(second_order(f), {z});
}

BOOST_AUTO_TEST_CASE(scalar_base_pow_matches_torch) {
    // e = [-1.5, 0, 0.5, 2]; y = torch.pow(2.5, e); y.sum().backward()
    const Tensor e({-1.5, 0.0, 0.5, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    const Tensor y = pow(2.5, e);
    BOOST_TEST(y.to_vector() == D({0.25298221281347033, 1.0, 1.5811388300841898, 6.25}),
               tt::tolerance(1e-15) << tt::per_element());
    sum(y).backward();
    BOOST_TEST(e.grad().to_vector() == D({0.23180525692999798, 0.9162907318741551,
                                          1.4487828558124876, 5.72681707421347}),
               tt::tolerance(1e-14) << tt::per_element());
    // torch.pow(0.0, e): values [inf, 1, 0, 0], gradient [-inf, 0, 0, 0]
    const Tensor e0({-1.5, 0.0, 0.5, 2.0}, TensorOptions(DType::Float64).requires_grad(true));
    sum(pow(0.0, e0)).backward();
    const auto g0 = e0.grad().to_vector();
    BOOST_TEST((std::isinf(g0[0]) && g0[0] < 0));
    BOOST_TEST(D(g0.begin() + 1, g0.end()) == D({0, 0, 0}), tt::per_element());
    const Tensor x = uniform({2, 3}, 213, -2.0, 2.0);
    const auto f = [](const Tensor& t) { return pow(1.7, t); };
    XGRAD_CHECK_GRAD([f](const V& v) { return f(v[0]); }, {x});
    XGRAD_CHECK_GRAD(second_order(f), {x});
}

BOOST_AUTO_TEST_CASE(from_vector_builds_a_tensor_of_a_shape) {
    const Tensor a = from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
    BOOST_TEST(a.shape() == Shape({2, 3}));
    BOOST_TEST(a.dtype() == DType::Float32);
    BOOST_TEST(a.value<float>()(1, 0) == 4.0f);
    const Tensor b = from_vector(std::vector<float>{0.5f, -1.5f}, {2, 1},
                                 TensorOptions(DType::Float64).requires_grad(true));
    BOOST_TEST(b.dtype() == DType::Float64);
    BOOST_TEST(b.requires_grad());
    BOOST_TEST(b.to_vector() == D({0.5, -1.5}), tt::per_element());
    BOOST_TEST(from_vector(std::vector<double>{7}, {}).item() == 7.0);
    XGRAD_CHECK_THROWS(from_vector(std::vector<double>{1, 2, 3}, {2, 2}), ShapeError,
                       "from_vector: 3 values do not fill shape (2, 2)");
}

BOOST_AUTO_TEST_SUITE_END()
