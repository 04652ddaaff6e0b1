// gradcheck (float64, central differences) for every op, including broadcasting and keepdims.
#include <algorithm>
#include <array>
#include <xtensor/xmanipulation.hpp>

#include "helpers.hpp"

using namespace xgrad;
using xgrad::testing::away_from_zero;
using xgrad::testing::uniform;
using V = std::vector<Tensor>;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(ops)

BOOST_AUTO_TEST_CASE(arithmetic_with_broadcasting) {
    // (3,1)+(1,4), (4,)+(3,4), scalar with tensor: the engine sums gradients back to each shape.
    const std::vector<std::pair<Shape, Shape>> shapes{
        {{3, 1}, {1, 4}}, {{4}, {3, 4}}, {{}, {2, 3}}, {{2, 3}, {2, 3}}, {{2, 1, 3}, {4, 1}}};
    for (const auto& [sa, sb] : shapes) {
        const Tensor a = uniform(sa, 1), b = uniform(sb, 2, 0.5, 1.5);
        XGRAD_CHECK_GRAD([](const V& v) { return v[0] + v[1]; }, {a, b});
        XGRAD_CHECK_GRAD([](const V& v) { return v[0] - v[1]; }, {a, b});
        XGRAD_CHECK_GRAD([](const V& v) { return v[0] * v[1]; }, {a, b});
        XGRAD_CHECK_GRAD([](const V& v) { return v[0] / v[1]; }, {a, b});
        XGRAD_CHECK_GRAD([](const V& v) { return maximum(v[0], v[1]); }, {a, b});
        XGRAD_CHECK_GRAD([](const V& v) { return minimum(v[0], v[1]); }, {a, b});
    }
}

BOOST_AUTO_TEST_CASE(scalar_operands_and_neg) {
    const Tensor x = uniform({2, 3}, 3, 0.5, 2.0);
    XGRAD_CHECK_GRAD([](const V& v) { return v[0] + 2.5; }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return 2.5 + v[0]; }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return v[0] - 1.5; }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return 1.5 - v[0]; }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return v[0] * -3.0; }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return -3.0 * v[0]; }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return v[0] / 4.0; }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return 4.0 / v[0]; }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return -v[0]; }, {x});
}

BOOST_AUTO_TEST_CASE(powers) {
    const Tensor x = uniform({2, 3}, 4, 0.5, 2.0);
    for (double p : {2.0, 3.0, 0.5, -1.5, 0.0})
        XGRAD_CHECK_GRAD([p](const V& v) { return pow(v[0], p); }, {x});
    const Tensor e = uniform({3}, 5, -1.0, 2.0);
    XGRAD_CHECK_GRAD([](const V& v) { return pow(v[0], v[1]); }, {x, e});
}

BOOST_AUTO_TEST_CASE(unary_functions) {
    const Tensor x = uniform({3, 4}, 6, -3.0, 3.0);
    const Tensor positive = uniform({3, 4}, 7, 0.2, 3.0);
    const Tensor kinked = away_from_zero({3, 4}, 8);
    XGRAD_CHECK_GRAD([](const V& v) { return exp(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return log(v[0]); }, {positive});
    XGRAD_CHECK_GRAD([](const V& v) { return sqrt(v[0]); }, {positive});
    XGRAD_CHECK_GRAD([](const V& v) { return abs(v[0]); }, {kinked});
    XGRAD_CHECK_GRAD([](const V& v) { return sigmoid(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return tanh(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return relu(v[0]); }, {kinked});
    XGRAD_CHECK_GRAD([](const V& v) { return leaky_relu(v[0], 0.1); }, {kinked});
    XGRAD_CHECK_GRAD([](const V& v) { return softplus(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return log_sigmoid(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return clamp(v[0], -0.5, 0.7); }, {kinked});
}

BOOST_AUTO_TEST_CASE(where_selects_and_routes_gradients) {
    const Tensor cond({{1, 0, 1}, {0, 0, 1}}, DType::Float64);
    const Tensor a = uniform({2, 3}, 9), b = uniform({3}, 10);
    XGRAD_CHECK_GRAD([cond](const V& v) { return where(cond, v[0], v[1]); }, {a, b});
    const Tensor picked = where(cond, a, b);
    BOOST_TEST(picked.value<double>()(0, 0) == a.value<double>()(0, 0));
    BOOST_TEST(picked.value<double>()(1, 0) == b.value<double>()(0));
}

BOOST_AUTO_TEST_CASE(reductions_with_and_without_keepdims) {
    const Tensor x = uniform({2, 3, 4}, 11);
    XGRAD_CHECK_GRAD([](const V& v) { return sum(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return mean(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return max(v[0]); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return min(v[0]); }, {x});
    for (bool keepdims : {false, true}) {
        XGRAD_CHECK_GRAD([keepdims](const V& v) { return sum(v[0], {1}, keepdims); }, {x});
        XGRAD_CHECK_GRAD([keepdims](const V& v) { return sum(v[0], {0, -1}, keepdims); }, {x});
        XGRAD_CHECK_GRAD([keepdims](const V& v) { return mean(v[0], {2}, keepdims); }, {x});
        XGRAD_CHECK_GRAD([keepdims](const V& v) { return max(v[0], 1, keepdims); }, {x});
        XGRAD_CHECK_GRAD([keepdims](const V& v) { return min(v[0], -1, keepdims); }, {x});
        XGRAD_CHECK_GRAD([keepdims](const V& v) { return logsumexp(v[0], {1}, keepdims); }, {x});
    }
    BOOST_TEST(sum(x, {1}, true).shape() == Shape({2, 1, 4}));
    BOOST_TEST(sum(x, {1}, false).shape() == Shape({2, 4}));
}

BOOST_AUTO_TEST_CASE(max_routes_the_gradient_to_the_argmax) {
    const Tensor x({{1.0, 5.0, 5.0}, {7.0, 2.0, 3.0}},
                   TensorOptions(DType::Float64).requires_grad(true));
    max(x, 1).backward(ones({2}, DType::Float64));
    // Ties go to the first maximum, as PyTorch's max(dim) does.
    BOOST_TEST(x.grad().to_vector() == std::vector<double>({0, 1, 0, 1, 0, 0}));
    const Tensor y({1.0, 4.0, 4.0}, TensorOptions(DType::Float64).requires_grad(true));
    max(y).backward();
    BOOST_TEST(y.grad().to_vector() == std::vector<double>({0, 0.5, 0.5}));
}

BOOST_AUTO_TEST_CASE(matmul_2d_batched_and_transposed) {
    const Tensor a = uniform({3, 4}, 12), b = uniform({4, 2}, 13);
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1]); }, {a, b});
    const Tensor at = uniform({4, 3}, 14), bt = uniform({2, 4}, 15);
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1], true, false); }, {at, b});
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1], false, true); }, {a, bt});
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1], true, true); }, {at, bt});
    // Batched, with the batch axis broadcast from a 2-D operand or a batch of 1.
    const Tensor ba = uniform({2, 3, 4}, 16), bb = uniform({2, 4, 2}, 17),
                 b1 = uniform({1, 4, 2}, 18);
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1]); }, {ba, bb});
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1]); }, {ba, b});
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1]); }, {ba, b1});
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1]); }, {a, bb});
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1], true, true); },
                     {uniform({2, 4, 3}, 19), uniform({2, 2, 4}, 20)});
}

BOOST_AUTO_TEST_CASE(linear_matches_matmul_plus_bias_and_gradchecks) {
    const Tensor x = uniform({5, 4}, 60), w = uniform({3, 4}, 61), b = uniform({3}, 62);
    const Tensor reference = matmul(x, w, false, true) + b;
    BOOST_TEST(linear(x, w, b).to_vector() == reference.to_vector(), tt::tolerance(1e-14)
                                                                         << tt::per_element());
    XGRAD_CHECK_GRAD([](const V& v) { return linear(v[0], v[1], v[2]); }, {x, w, b});
    XGRAD_CHECK_GRAD([](const V& v) { return linear(v[0], v[1]); }, {x, w});
    // Leading axes are rows: (2, 5, 4) -> (2, 5, 3), the bias gradient sums over both.
    XGRAD_CHECK_GRAD([](const V& v) { return linear(v[0], v[1], v[2]); },
                     {uniform({2, 5, 4}, 63), w, b});
    XGRAD_CHECK_GRAD([](const V& v) { return linear(v[0], v[1], v[2]); }, {uniform({4}, 64), w, b});
    // Second order, through the differentiable form of its backward function.
    const auto first = [](const V& v) {
        const Tensor y = sum(tanh(linear(v[0], v[1], v[2])));
        return grad({y}, {v[0], v[1], v[2]}, {}, true)[1];
    };
    XGRAD_CHECK_GRAD(first, {x, w, b});
    XGRAD_CHECK_THROWS(linear(x, uniform({3, 5}, 65)), ShapeError, "linear");
    XGRAD_CHECK_THROWS(linear(x, w, uniform({4}, 66)), ShapeError, "bias (4,)");
    XGRAD_CHECK_THROWS(linear(x, w.to(DType::Float32)), DTypeError, "linear");
}

BOOST_AUTO_TEST_CASE(matmul_vector_shapes_match_naive_products) {
    // One row, one column or an inner size of 1 run on gemv / ger instead of gemm; every
    // transpose combination must give the plain product, in float64 and float32.
    const auto naive = [](const Tensor& a, const Tensor& b, bool ta, bool tb) {
        const auto av = a.to_vector(), bv = b.to_vector();
        const std::size_t ar = a.shape()[0], ac = a.shape()[1], br = b.shape()[0],
                          bc = b.shape()[1];
        const std::size_t m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
        std::vector<double> c(m * n, 0.0);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
                for (std::size_t l = 0; l < k; ++l)
                    c[i * n + j] += (ta ? av[l * ac + i] : av[i * ac + l]) *
                                    (tb ? bv[j * bc + l] : bv[l * bc + j]);
        return c;
    };
    const std::vector<std::array<std::size_t, 3>> sizes{{1, 5, 3}, {4, 5, 1}, {4, 1, 3},
                                                        {1, 1, 3}, {1, 5, 1}, {4, 1, 1}};
    for (const auto& [m, k, n] : sizes)
        for (bool ta : {false, true})
            for (bool tb : {false, true})
                for (DType dtype : {DType::Float64, DType::Float32}) {
                    const Tensor a =
                        uniform(ta ? Shape{k, m} : Shape{m, k}, 70, -1, 1, false).to(dtype);
                    const Tensor b =
                        uniform(tb ? Shape{n, k} : Shape{k, n}, 71, -1, 1, false).to(dtype);
                    BOOST_TEST(matmul(a, b, ta, tb).to_vector() == naive(a, b, ta, tb),
                               tt::tolerance(1e-5) << tt::per_element());
                }
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1]); },
                     {uniform({1, 5}, 72), uniform({5, 3}, 73)});
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1]); },
                     {uniform({4, 1}, 74), uniform({1, 3}, 75)});
}

BOOST_AUTO_TEST_CASE(matmul_values) {
    const Tensor a({{1, 2}, {3, 4}});
    const Tensor b({{5, 6}, {7, 8}});
    BOOST_TEST(matmul(a, b).to_vector() == std::vector<double>({19, 22, 43, 50}));
    BOOST_TEST(matmul(a, b, true, false).to_vector() == std::vector<double>({26, 30, 38, 44}));
    BOOST_TEST(matmul(a, b, false, true).to_vector() == std::vector<double>({17, 23, 39, 53}));
}

BOOST_AUTO_TEST_CASE(shape_ops) {
    const Tensor x = uniform({2, 3, 4}, 21);
    XGRAD_CHECK_GRAD([](const V& v) { return reshape(v[0], {4, 6}); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return flatten(v[0], 1); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return unsqueeze(v[0], 1); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return squeeze(unsqueeze(v[0], -1), -1); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return transpose(v[0], 0, 2); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return permute(v[0], {2, 0, 1}); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return broadcast_to(v[0], {3, 2, 3, 4}); }, {x});
    XGRAD_CHECK_GRAD(
        [](const V& v) {
            return broadcast_to(v[0], {2, 5, 4});
        },
        {uniform({2, 1, 4}, 22)});
    BOOST_TEST(permute(x, {2, 0, 1}).shape() == Shape({4, 2, 3}));
    BOOST_TEST(flatten(x, 1).shape() == Shape({2, 12}));
}

BOOST_AUTO_TEST_CASE(permute_values_for_every_axis_order) {
    // Every order of a shape with a size-1 axis and axes that stay neighbours (copied as runs).
    for (const Shape& shape : {Shape{2, 1, 3, 4}, Shape{3, 2, 2, 5}, Shape{1, 1, 1, 6}}) {
        const Tensor x = uniform(shape, 24);
        std::vector<std::size_t> perm = {0, 1, 2, 3};
        do {
            const xt::xarray<double> expected = xt::transpose(x.value<double>(), perm);
            const Tensor y = permute(x, Axes(perm.begin(), perm.end()));
            BOOST_TEST(y.shape() == Shape(expected.shape().begin(), expected.shape().end()));
            BOOST_TEST((y.value<double>() == expected));
        } while (std::next_permutation(perm.begin(), perm.end()));
    }
}

BOOST_AUTO_TEST_CASE(slicing_and_indexing) {
    const Tensor x = uniform({4, 5}, 23);
    XGRAD_CHECK_GRAD([](const V& v) { return slice(v[0], 1, 1, 4); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return slice(v[0], 0, -3, 10, 2); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return index_select(v[0], 0, {3, 0, 3, -1}); }, {x});
    XGRAD_CHECK_GRAD([](const V& v) { return index_select(v[0], 1, {4, 1}); }, {x});
    const IndexArray index = {{0, 4, 4}, {1, 1, 0}, {3, 2, 1}};
    XGRAD_CHECK_GRAD([index](const V& v) { return gather(v[0], 1, index); }, {x});
    const IndexArray rows = {{0, 3, 3, 1}, {2, 1, 0, 0}};
    XGRAD_CHECK_GRAD([rows](const V& v) { return gather(v[0], 0, rows); }, {x});
    const Tensor s({{0, 1, 2, 3}, {4, 5, 6, 7}});
    BOOST_TEST(slice(s, 1, 1, 4, 2).to_vector() == std::vector<double>({1, 3, 5, 7}));
    BOOST_TEST(index_select(s, 0, {1, 1}).to_vector() ==
               std::vector<double>({4, 5, 6, 7, 4, 5, 6, 7}));
    BOOST_TEST(gather(s, 1, IndexArray{{3, 0}, {1, 1}}).to_vector() ==
               std::vector<double>({3, 0, 5, 5}));
}

BOOST_AUTO_TEST_CASE(concat_and_stack) {
    const Tensor a = uniform({2, 3}, 24), b = uniform({2, 1}, 25), c = uniform({2, 3}, 26);
    XGRAD_CHECK_GRAD([](const V& v) { return concat({v[0], v[1], v[2]}, 1); }, {a, b, c});
    XGRAD_CHECK_GRAD([](const V& v) { return concat({v[0], v[1]}, 0); }, {a, c});
    XGRAD_CHECK_GRAD([](const V& v) { return stack({v[0], v[1]}, 0); }, {a, c});
    XGRAD_CHECK_GRAD([](const V& v) { return stack({v[0], v[1]}, -1); }, {a, c});
    BOOST_TEST(concat({a, b, c}, 1).shape() == Shape({2, 7}));
    BOOST_TEST(stack({a, c}, 1).shape() == Shape({2, 2, 3}));
}

BOOST_AUTO_TEST_CASE(softmax_and_log_softmax) {
    const Tensor x = uniform({3, 5}, 27, -2.0, 2.0);
    for (std::ptrdiff_t axis : {0, 1}) {
        XGRAD_CHECK_GRAD([axis](const V& v) { return softmax(v[0], axis); }, {x});
        XGRAD_CHECK_GRAD([axis](const V& v) { return log_softmax(v[0], axis); }, {x});
    }
    // Lanes along a middle axis (strided), first and second order.
    const Tensor cube = uniform({2, 3, 4}, 28, -2.0, 2.0);
    for (std::ptrdiff_t axis : {0, 1, 2}) {
        XGRAD_CHECK_GRAD([axis](const V& v) { return softmax(v[0], axis); }, {cube});
        XGRAD_CHECK_GRAD([axis](const V& v) { return log_softmax(v[0], axis); }, {cube});
        XGRAD_CHECK_GRAD(
            [axis](const V& v) {
                const Tensor w = uniform({2, 3, 4}, 29, -1.0, 1.0, false);
                const Tensor y = softmax(v[0], axis) * w + log_softmax(v[0], axis) * w * w;
                return grad({sum(y * y)}, {v[0]}, {}, true, true)[0];
            },
            {cube});
    }
    // Rows sum to one; huge logits stay finite (shifted by the maximum).
    const Tensor big({{1e4, -1e4, 0.0}}, DType::Float64);
    const auto p = softmax(big).to_vector();
    BOOST_TEST(p[0] == 1.0);
    const auto lp = log_softmax(big).to_vector();
    BOOST_TEST(lp[1] == -2e4, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(sum(softmax(x, 1), {1}).to_vector() == std::vector<double>(3, 1.0),
               boost::test_tools::tolerance(1e-12) << boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(stable_functions_at_extremes) {
    const Tensor x({-1000.0, -50.0, 0.0, 50.0, 1000.0}, DType::Float64);
    for (double v : sigmoid(x).to_vector()) BOOST_TEST(std::isfinite(v));
    const auto ls = log_sigmoid(x).to_vector();
    BOOST_TEST(ls[0] == -1000.0);
    BOOST_TEST(ls[4] == 0.0);
    const auto sp = softplus(x).to_vector();
    BOOST_TEST(sp[4] == 1000.0);
    BOOST_TEST(sp[0] == 0.0);
    const Tensor f({-100.0f, 100.0f});
    for (double v : log_sigmoid(f).to_vector()) BOOST_TEST(std::isfinite(v));
}

BOOST_AUTO_TEST_CASE(float32_ops_agree_with_float64) {
    const Tensor x64 = uniform({3, 4}, 28, -2.0, 2.0, false);
    const Tensor x32 = x64.to(DType::Float32);
    const auto f = [](const Tensor& x) {
        return sum(tanh(matmul(x, transpose(x))) * sigmoid(x.size(0) * 1.0 + mean(x)));
    };
    BOOST_TEST(f(x32).item() == f(x64).item(), boost::test_tools::tolerance(1e-5));
    BOOST_TEST(x32.dtype() == DType::Float32);
}

BOOST_AUTO_TEST_CASE(dtype_conversion_is_differentiable) {
    XGRAD_CHECK_GRAD([](const V& v) { return v[0].to(DType::Float32).to(DType::Float64) * v[0]; },
                     {uniform({3}, 29)}, 1e-2, 1e-4,
                     1e-4);  // quadratic: central differences are exact
}

BOOST_AUTO_TEST_SUITE_END()
