// OpTrace: what ops record about themselves while an exporter watches (xgrad/op_trace.hpp).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "xgrad/nn/dropout.hpp"
#include "xgrad/op_trace.hpp"

using namespace xgrad;

BOOST_AUTO_TEST_SUITE(op_trace)

BOOST_AUTO_TEST_CASE(outside_a_trace_nothing_is_recorded) {
    BOOST_TEST(OpTrace::current() == nullptr);
    const Tensor x = randn({2, 3});
    softmax(x, 0);  // must not crash or record anywhere
    BOOST_TEST(OpTrace::current() == nullptr);
}

BOOST_AUTO_TEST_CASE(an_op_records_its_inputs_and_settings) {
    OpTrace trace;
    BOOST_TEST(OpTrace::current() == &trace);
    const Tensor x = randn({2, 3}), w = randn({4, 3, 2, 2});
    const Tensor y = softmax(x, 0);
    const TracedOp* s = trace.find(y);
    BOOST_REQUIRE(s);
    BOOST_TEST(s->op == "softmax");
    BOOST_TEST(s->integer("axis") == 0);
    BOOST_TEST((s->inputs.at(0).node() == x.node()));
    // The settings of a convolution, with "same" padding resolved as PyTorch pads it (an even
    // kernel: the extra row and column after).
    const Tensor image = randn({1, 3, 5, 5});
    const Tensor c = conv2d(image, w, Tensor(), 1, ConvPadding("same"));
    const TracedOp* conv = trace.find(c);
    BOOST_REQUIRE(conv);
    BOOST_TEST(conv->op == "conv");
    BOOST_TEST(conv->integers("pads") == (std::vector<std::int64_t>{0, 0, 1, 1}),
               boost::test_tools::per_element());
    BOOST_TEST((conv->inputs.at(0).node() == image.node()));  // the input, not its padded copy
    BOOST_TEST(!conv->inputs.at(2).defined());                // no bias
    BOOST_CHECK_THROW(conv->integer("axis"), ValueError);     // a missing attribute is named
    BOOST_CHECK_THROW(conv->integers("group"), ValueError);   // an integer, not a list
    BOOST_TEST(conv->real("group") == 1.0);                   // an integer reads as a real
}

BOOST_AUTO_TEST_CASE(the_outer_op_replaces_the_ops_it_is_made_of) {
    OpTrace trace;
    const Tensor x = randn({4, 3}), mean = zeros({3}), var = ones({3});
    const Tensor y = batch_norm(x, mean, var, Tensor(), Tensor(), false, 0.1, 1e-3);
    const TracedOp* bn = trace.find(y);
    BOOST_REQUIRE(bn);
    BOOST_TEST(bn->op == "batch_norm");  // not the add it ends in
    BOOST_TEST(bn->inputs.size() == 5u);
    BOOST_TEST(bn->real("eps") == 1e-3);
    BOOST_TEST(bn->integer("training") == 0);
}

BOOST_AUTO_TEST_CASE(an_identity_is_not_recorded_and_traces_nest) {
    OpTrace outer;
    {
        OpTrace inner;
        BOOST_TEST(OpTrace::current() == &inner);
        nn::Dropout dropout(0.5);
        dropout.eval();
        const Tensor x = randn({2, 2});
        const Tensor y = dropout(x);
        BOOST_TEST((y.node() == x.node()));
        BOOST_TEST(inner.find(y) == nullptr);
        const Tensor z = mean(x, {1}, true);
        BOOST_TEST(inner.find(z) != nullptr);
        BOOST_TEST(outer.find(z) == nullptr);
    }
    BOOST_TEST(OpTrace::current() == &outer);
}

BOOST_AUTO_TEST_SUITE_END()
