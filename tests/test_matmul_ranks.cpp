// matmul with torch.matmul's rank rules: vectors, batched N-D operands with broadcast batch axes,
// their gradients (first and second order) and the errors.
#include "helpers.hpp"

using namespace xgrad;
using xgrad::testing::uniform;
using V = std::vector<Tensor>;
namespace tt = boost::test_tools;

namespace {
/// arange(numel) / scale - shift in `shape`, float64: the inputs the torch references were made
/// from (torch.arange(n, dtype=torch.float64).reshape(shape) / scale - shift).
Tensor ramp(const Shape& shape, double scale = 10.0, double shift = 0.0) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return reshape(arange(0, static_cast<double>(n), 1, DType::Float64) / scale - shift, shape)
        .detach()
        .requires_grad_(true);
}

/// The gradient of sum(tanh(matmul(a, b))) with respect to input `which`, with create_graph:
/// gradchecking it checks matmul's second derivatives.
Tensor first_derivative(const V& v, std::size_t which) {
    const Tensor y = sum(tanh(matmul(v[0], v[1])));
    return grad({y}, {v[0], v[1]}, {}, true)[which];
}
}  // namespace

BOOST_AUTO_TEST_SUITE(matmul_ranks)

BOOST_AUTO_TEST_CASE(shapes_follow_torch_matmul) {
    const std::vector<std::tuple<Shape, Shape, Shape>> cases{
        {{3}, {3}, {}},
        {{3}, {3, 2}, {2}},
        {{2, 3}, {3}, {2}},
        {{3}, {4, 3, 2}, {4, 2}},
        {{4, 2, 3}, {3}, {4, 2}},
        {{2, 1, 3, 4}, {5, 4, 6}, {2, 5, 3, 6}},
        {{7, 3, 4}, {4, 5}, {7, 3, 5}},
        {{3, 4}, {2, 2, 4, 5}, {2, 2, 3, 5}},
        {{1, 3, 4}, {6, 1, 4, 2}, {6, 1, 3, 2}},
        {{2, 0, 3, 4}, {1, 4, 2}, {2, 0, 3, 2}},
    };
    for (const auto& [sa, sb, expected] : cases)
        BOOST_TEST_CONTEXT(shape_str(sa) << " @ " << shape_str(sb)) {
            BOOST_TEST(matmul(zeros(sa), zeros(sb)).shape() == expected);
        }
}

BOOST_AUTO_TEST_CASE(vector_cases_match_torch) {
    // /usr/bin/python3, torch 1.13: torch.matmul of ramp inputs (see ramp() above), printed as
    // float64.
    const auto check = [](const Tensor& y, const Shape& shape, const std::vector<double>& want) {
        BOOST_TEST(y.shape() == shape);
        BOOST_TEST(y.to_vector() == want, tt::tolerance(1e-14) << tt::per_element());
    };
    check(matmul(ramp({3}), ramp({3}, 10, 0.5)), {}, {-0.1});
    check(matmul(ramp({3}), ramp({3, 2}, 10, 0.3)), {2}, {0.01, 0.04});
    check(matmul(ramp({2, 3}, 10, 0.2), ramp({3})), {2}, {-0.01, 0.08});
    check(matmul(ramp({3}), ramp({2, 3, 2}, 10, 0.4)), {2, 2}, {-0.02, 0.01, 0.16, 0.19});
    check(matmul(ramp({2, 2, 3}, 10, 0.4), ramp({3})), {2, 2}, {-0.07, 0.02, 0.11, 0.2});
}

BOOST_AUTO_TEST_CASE(broadcast_batches_match_torch_values_and_gradients) {
    // torch 1.13: a = ramp((2,1,3,4), 10, 1), b = ramp((5,4,6), 100, 0.5), y = a @ b,
    // w = arange(180).reshape(y.shape) / 100, (y * w).sum().backward().
    const Tensor a = ramp({2, 1, 3, 4}, 10, 1.0), b = ramp({5, 4, 6}, 100, 0.5);
    const Tensor y = matmul(a, b);
    BOOST_TEST(y.shape() == Shape({2, 5, 3, 6}));
    BOOST_TEST(sum(y).item() == 15.66, tt::tolerance(1e-12));
    BOOST_TEST(y.value<double>()(1, 4, 2, 5) == 2.79, tt::tolerance(1e-12));
    BOOST_TEST(y.value<double>()(0, 0, 0, 0) == 1.424, tt::tolerance(1e-12));
    const Tensor w = reshape(arange(0, 180, 1, DType::Float64) / 100.0, y.shape());
    const Tensor loss = sum(y * w);
    BOOST_TEST(loss.item() == 42.9408, tt::tolerance(1e-12));
    loss.backward();
    BOOST_TEST(a.grad().shape() == a.shape());
    BOOST_TEST(b.grad().shape() == b.shape());
    const std::vector<double> grad_a{2.6585, 3.3515,  4.0445, 4.7375, 2.6675, 3.4685,
                                     4.2695, 5.0705,  2.6765, 3.5855, 4.4945, 5.4035,
                                     2.7935, 5.1065,  7.4195, 9.7325, 2.8025, 5.2235,
                                     7.6445, 10.0655, 2.8115, 5.3405, 7.8695, 10.3985};
    BOOST_TEST(a.grad().to_vector() == grad_a, tt::tolerance(1e-12) << tt::per_element());
    BOOST_TEST(sum(b.grad()).item() == 302.58, tt::tolerance(1e-12));
    BOOST_TEST(b.grad().value<double>()(0, 0, 0) == 1.716, tt::tolerance(1e-12));
    BOOST_TEST(b.grad().value<double>()(4, 3, 5) == 4.02, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(gradcheck_first_and_second_order_for_every_rank_case) {
    const std::vector<std::pair<Shape, Shape>> cases{
        {{3}, {3}},
        {{3}, {3, 2}},
        {{2, 3}, {3}},
        {{3}, {2, 3, 2}},
        {{2, 2, 3}, {3}},
        {{2, 3}, {3, 2}},
        {{2, 2, 3}, {2, 3, 2}},
        {{2, 1, 2, 3}, {3, 3, 2}},
        {{3, 2}, {2, 2, 2, 3}},
        {{1, 2, 3}, {2, 1, 3, 2}},
    };
    std::uint64_t seed = 100;
    for (const auto& [sa, sb] : cases) BOOST_TEST_CONTEXT(shape_str(sa) << " @ " << shape_str(sb)) {
            const Tensor a = uniform(sa, seed++), b = uniform(sb, seed++);
            XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1]); }, {a, b});
            XGRAD_CHECK_GRAD([](const V& v) { return first_derivative(v, 0); }, {a, b});
            XGRAD_CHECK_GRAD([](const V& v) { return first_derivative(v, 1); }, {a, b});
        }
    // Transpose flags on broadcast N-D operands.
    XGRAD_CHECK_GRAD([](const V& v) { return matmul(v[0], v[1], true, true); },
                     {uniform({2, 1, 3, 2}, 150), uniform({3, 2, 3}, 151)});
}

BOOST_AUTO_TEST_CASE(errors_name_matmul_and_both_shapes) {
    XGRAD_CHECK_THROWS(matmul(zeros({2, 3}), zeros({4, 5})), ShapeError,
                       "matmul: inner sizes differ in (2, 3) @ (4, 5): 3 vs 4");
    XGRAD_CHECK_THROWS(matmul(zeros({3}), zeros({4})), ShapeError,
                       "matmul: inner sizes differ in (3,) @ (4,)");
    XGRAD_CHECK_THROWS(matmul(zeros({2, 1, 3, 4}), zeros({5, 3, 6})), ShapeError,
                       "(2, 1, 3, 4) @ (5, 3, 6): 4 vs 3");
    XGRAD_CHECK_THROWS(matmul(zeros({2, 3, 4}), zeros({3, 4, 2})), ShapeError,
                       "batch sizes 2 and 3 do not broadcast in (2, 3, 4) @ (3, 4, 2)");
    XGRAD_CHECK_THROWS(matmul(Tensor(1.0), zeros({2})), ShapeError, "matmul: a 0-d operand");
    XGRAD_CHECK_THROWS(matmul(zeros({3}), zeros({3, 2}), true, false), ValueError, "matmul");
}

BOOST_AUTO_TEST_SUITE_END()
