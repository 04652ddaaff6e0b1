// max/min with indices, argmax/argmin, sort and topk as torch 1.13 has them. Reference values
// were computed with Debian's python3-torch 1.13 (/usr/bin/python3) on the CPU from the inputs
// written here and printed with float(); the torch call is quoted above each check.
#include <cmath>

#include "helpers.hpp"

using namespace xgrad;
using xgrad::testing::uniform;
using V = std::vector<Tensor>;
using D = std::vector<double>;
namespace tt = boost::test_tools;

namespace {
/// The 3x4 input of the ordering references (distinct values), float64.
Tensor ordering_input() {
    return Tensor({{0.3, -1.2, 2.5, 0.7}, {1.1, 0.4, -0.6, 2.0}, {-0.9, 1.8, 0.2, -1.5}},
                  TensorOptions(DType::Float64).requires_grad(true));
}

/// The gradient of sum(tanh(f(x))) with create_graph: gradchecking it checks second order.
template <class F>
auto second_order(F f) {
    return [f](const V& v) { return grad({sum(tanh(f(v[0])))}, {v[0]}, {}, true)[0]; };
}
}  // namespace

BOOST_AUTO_TEST_SUITE(ordering)

BOOST_AUTO_TEST_CASE(max_min_with_indices_match_torch) {
    // torch.max(x, dim) / torch.min(x, dim) of ordering_input()
    const Tensor x = ordering_input();
    auto r = max_with_indices(x, 0);
    BOOST_TEST(r.values.to_vector() == D({1.1, 1.8, 2.5, 2.0}), tt::per_element());
    BOOST_TEST(r.indices.to_vector() == D({1, 2, 0, 1}), tt::per_element());
    BOOST_TEST(r.indices.dtype() == DType::Float64);
    BOOST_TEST(!r.indices.requires_grad());
    r = min_with_indices(x, 0);
    BOOST_TEST(r.values.to_vector() == D({-0.9, -1.2, -0.6, -1.5}), tt::per_element());
    BOOST_TEST(r.indices.to_vector() == D({2, 0, 1, 2}), tt::per_element());
    r = max_with_indices(x, 1, true);
    BOOST_TEST(r.values.shape() == Shape({3, 1}));
    BOOST_TEST(r.indices.shape() == Shape({3, 1}));
    BOOST_TEST(r.values.to_vector() == D({2.5, 2.0, 1.8}), tt::per_element());
    BOOST_TEST(r.indices.to_vector() == D({2, 3, 1}), tt::per_element());
    r = min_with_indices(x, -1);
    BOOST_TEST(r.values.to_vector() == D({-1.2, -0.6, -1.5}), tt::per_element());
    BOOST_TEST(r.indices.to_vector() == D({1, 2, 3}), tt::per_element());
    // Gradients reach the positions of the values only.
    sum(max_with_indices(x, 1).values * Tensor({1.0, 2.0, 3.0}, DType::Float64)).backward();
    BOOST_TEST(x.grad().to_vector() == D({0, 0, 1, 0, 0, 0, 0, 2, 0, 3, 0, 0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(argmax_argmin_and_ties_match_torch) {
    // torch.argmax(x), torch.argmin(x) (flat), torch.argmax(x, 0), torch.argmin(x, 1)
    const Tensor x = ordering_input();
    BOOST_TEST(argmax(x).dim() == 0u);
    BOOST_TEST(argmax(x).item() == 2);
    BOOST_TEST(argmin(x).item() == 11);
    BOOST_TEST(argmax(x, 0).to_vector() == D({1, 2, 0, 1}), tt::per_element());
    BOOST_TEST(argmin(x, 1).to_vector() == D({1, 2, 3}), tt::per_element());
    BOOST_TEST(argmax(x, 1, true).shape() == Shape({3, 1}));
    BOOST_TEST(!argmax(x, 1).requires_grad());
    // Ties: torch 1.13 on the CPU gives the first occurrence for max, min, argmax and argmin:
    // ties = [[1,5,5,2],[7,2,7,3],[0,0,0,0]]
    const Tensor ties({{1, 5, 5, 2}, {7, 2, 7, 3}, {0, 0, 0, 0}}, DType::Float32);
    BOOST_TEST(max_with_indices(ties, 1).indices.to_vector() == D({1, 0, 0}), tt::per_element());
    BOOST_TEST(min_with_indices(ties, 1).indices.to_vector() == D({0, 1, 0}), tt::per_element());
    BOOST_TEST(argmax(ties, 1).to_vector() == D({1, 0, 0}), tt::per_element());
    BOOST_TEST(argmin(ties, 1).to_vector() == D({0, 1, 0}), tt::per_element());
    BOOST_TEST(argmax(ties).item() == 4);
    BOOST_TEST(argmin(ties).item() == 8);
    BOOST_TEST(argmax(ties).dtype() == DType::Float32);
    // NaN is the maximum (and, as torch propagates it, the minimum): torch.max([1, nan, 3], 0).
    const Tensor nan({1.0, NAN, 3.0});
    BOOST_TEST(max_with_indices(nan, 0).indices.item() == 1);
    BOOST_TEST(argmin(nan).item() == 1);
    // torch.sort([1, nan, 3], descending=True).indices = [1, 2, 0]; ascending puts NaN last.
    BOOST_TEST(sort(nan, 0, true).indices.to_vector() == D({1, 2, 0}), tt::per_element());
    BOOST_TEST(sort(nan).indices.to_vector() == D({0, 2, 1}), tt::per_element());
    BOOST_TEST(topk(nan, 2).indices.to_vector() == D({1, 2}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(sort_and_topk_match_torch) {
    const Tensor x = ordering_input();
    // torch.sort(x, 1)
    auto r = sort(x, 1);
    BOOST_TEST(
        r.values.to_vector() == D({-1.2, 0.3, 0.7, 2.5, -0.6, 0.4, 1.1, 2.0, -1.5, -0.9, 0.2, 1.8}),
        tt::per_element());
    BOOST_TEST(r.indices.to_vector() == D({1, 0, 3, 2, 2, 1, 0, 3, 3, 0, 2, 1}), tt::per_element());
    // torch.sort(x, 0, descending=True)
    r = sort(x, 0, true);
    BOOST_TEST(
        r.values.to_vector() == D({1.1, 1.8, 2.5, 2.0, 0.3, 0.4, 0.2, 0.7, -0.9, -1.2, -0.6, -1.5}),
        tt::per_element());
    BOOST_TEST(r.indices.to_vector() == D({1, 2, 0, 1, 0, 1, 2, 0, 2, 0, 1, 2}), tt::per_element());
    // torch.topk(x, 2, 1)
    r = topk(x, 2, 1);
    BOOST_TEST(r.values.shape() == Shape({3, 2}));
    BOOST_TEST(r.values.to_vector() == D({2.5, 0.7, 2.0, 1.1, 1.8, 0.2}), tt::per_element());
    BOOST_TEST(r.indices.to_vector() == D({2, 3, 3, 0, 1, 2}), tt::per_element());
    // torch.topk(x, 2, 0, largest=False)
    r = topk(x, 2, 0, false);
    BOOST_TEST(r.values.to_vector() == D({-0.9, -1.2, -0.6, -1.5, 0.3, 0.4, 0.2, 0.7}),
               tt::per_element());
    BOOST_TEST(r.indices.to_vector() == D({2, 0, 1, 2, 0, 1, 2, 0}), tt::per_element());
    // w = arange(6).reshape(3, 2) + 1; (torch.topk(x, 2, 1).values * w).sum().backward()
    const Tensor w({{1, 2}, {3, 4}, {5, 6}}, DType::Float64);
    sum(topk(x, 2, 1).values * w).backward();
    BOOST_TEST(x.grad().to_vector() == D({0, 0, 1, 2, 4, 0, 0, 3, 0, 5, 6, 0}), tt::per_element());
    // Equal values keep their order: torch.topk([3, 1, 3, 2], 2).indices = [0, 2].
    BOOST_TEST(topk(Tensor({3, 1, 3, 2}), 2).indices.to_vector() == D({0, 2}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(ordering_values_gradcheck_first_and_second_order) {
    // Distinct values, so the picked positions do not move under the finite differences.
    const Tensor x = uniform({3, 4, 5}, 200);
    const std::vector<std::function<Tensor(const Tensor&)>> ops{
        [](const Tensor& t) { return max_with_indices(t, 1).values; },
        [](const Tensor& t) { return min_with_indices(t, -1, true).values; },
        [](const Tensor& t) { return max(t, 0); },
        [](const Tensor& t) { return sort(t, 1).values; },
        [](const Tensor& t) { return sort(t, 2, true).values; },
        [](const Tensor& t) { return topk(t, 3, -1).values; },
        [](const Tensor& t) { return topk(t, 2, 0, false).values; },
    };
    for (std::size_t i = 0; i < ops.size(); ++i) BOOST_TEST_CONTEXT("op " << i) {
            const auto& f = ops[i];
            XGRAD_CHECK_GRAD([f](const V& v) { return f(v[0]); }, {x});
            XGRAD_CHECK_GRAD(second_order(f), {x});
        }
}

BOOST_AUTO_TEST_CASE(ordering_errors_name_the_op) {
    XGRAD_CHECK_THROWS(topk(zeros({2, 3}), 4), ValueError, "topk: k = 4");
    XGRAD_CHECK_THROWS(max_with_indices(zeros({2, 0}), 1), ValueError, "max_with_indices");
    XGRAD_CHECK_THROWS(argmax(zeros({0})), ValueError, "argmax");
    XGRAD_CHECK_THROWS(argmin(zeros({2, 3}), 2), IndexError, "argmin");
    XGRAD_CHECK_THROWS(sort(zeros({2, 3}), -3), IndexError, "sort");
}

BOOST_AUTO_TEST_SUITE_END()
