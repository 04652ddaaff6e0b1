// metrics: accuracy and correct_predictions against torch's (logits.argmax(1) == y).float().mean()
// (ties go to the first maximum, as torch.argmax), and their errors.
#include "helpers.hpp"
#include "xgrad/nn/metrics.hpp"

using namespace xgrad;

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(accuracy_counts_rows_whose_argmax_is_the_label) {
    // torch 1.13: argmax(1) = (1, 0, 0, 2); against (1, 0, 0, 1): 3 of 4.
    const Tensor scores({{0.1, 0.9, 0.0}, {2.0, 2.0, 1.0}, {-1.0, -3.0, -2.0}, {0.0, 0.0, 5.0}});
    const IndexArray labels{1, 0, 0, 1};
    BOOST_TEST(nn::correct_predictions(scores, labels) == 3u);
    BOOST_TEST(nn::accuracy(scores, labels) == 0.75);
    BOOST_TEST(nn::accuracy(scores.to(DType::Float64), std::vector<std::int64_t>{1, 1, 0, 2}) ==
               0.75);
    BOOST_TEST(nn::correct_predictions(zeros({0, 3}), IndexArray::from_shape({0})) == 0u);
    XGRAD_CHECK_THROWS(nn::accuracy(zeros({0, 3}), IndexArray::from_shape({0})), ValueError,
                       "empty");
    XGRAD_CHECK_THROWS(nn::accuracy(scores, IndexArray{1, 0}), ShapeError, "labels (2,)");
    XGRAD_CHECK_THROWS(nn::accuracy(zeros({4}), labels), ShapeError, "(n, classes)");
}

BOOST_AUTO_TEST_SUITE_END()
