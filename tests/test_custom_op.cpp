// custom_op: the user-defined op of docs/architecture.md (tests/snippets/custom_op.hpp, which the
// docs quote verbatim: see docs_snippets in tests/CMakeLists.txt), checked by gradcheck in first
// and second order, and its pointwise form against it.
#include <boost/test/unit_test.hpp>

#include "snippets/custom_op.hpp"

using namespace xgrad;

namespace {
Tensor sample() {
    return Tensor({-2.0, -0.5, 0.25, 1.5, 3.0}, TensorOptions(DType::Float64).requires_grad(true));
}

/// The first derivative as a function, for a second-order gradcheck.
template <class Op>
std::function<Tensor(const std::vector<Tensor>&)> derivative(Op op) {
    return [op](const std::vector<Tensor>& in) {
        return grad({sum(op(in[0]))}, {in[0]}, {}, /*create_graph=*/true)[0];
    };
}
}  // namespace

BOOST_AUTO_TEST_SUITE(custom_op)

BOOST_AUTO_TEST_CASE(make_op_form_passes_gradcheck_in_first_and_second_order) {
    const auto f = [](const std::vector<Tensor>& in) { return softsign(in[0]); };
    BOOST_TEST(gradcheck(f, {sample()}).ok);
    BOOST_TEST(gradcheck(derivative(softsign), {sample()}).ok);
}

BOOST_AUTO_TEST_CASE(pointwise_form_passes_gradcheck_in_first_and_second_order) {
    const auto f = [](const std::vector<Tensor>& in) { return softsign_pointwise(in[0]); };
    BOOST_TEST(gradcheck(f, {sample()}).ok);
    BOOST_TEST(gradcheck(derivative(softsign_pointwise), {sample()}).ok);
}

BOOST_AUTO_TEST_CASE(both_forms_agree_with_the_closed_form) {
    const Tensor x = sample();
    const Tensor a = softsign(x), b = softsign_pointwise(x);
    sum(a).backward();
    const Tensor ga = x.grad();
    x.zero_grad();
    sum(b).backward();
    const std::vector<double> xs = x.to_vector(), va = a.to_vector(), vb = b.to_vector(),
                              da = ga.to_vector(), db = x.grad().to_vector();
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const double d = 1 + std::abs(xs[i]);
        BOOST_TEST(va[i] == xs[i] / d, boost::test_tools::tolerance(1e-15));
        BOOST_TEST(vb[i] == va[i], boost::test_tools::tolerance(1e-15));
        BOOST_TEST(da[i] == 1 / (d * d), boost::test_tools::tolerance(1e-15));
        BOOST_TEST(db[i] == da[i], boost::test_tools::tolerance(1e-15));
    }
}

BOOST_AUTO_TEST_SUITE_END()
