#include "xgrad/nn/metrics.hpp"

#include <string>

#include "labels.hpp"
#include "xgrad/error.hpp"
#include "xgrad/ops/sort.hpp"

namespace xgrad::nn {

std::size_t correct_predictions(const Tensor& scores, const IndexArray& labels) {
    if (scores.dim() != 2 || labels.dimension() != 1 || labels.size() != scores.shape()[0])
        throw ShapeError("accuracy: expected scores (n, classes) and labels (n), got scores " +
                         shape_str(scores.shape()) + " and labels " +
                         shape_str(Shape(labels.shape().begin(), labels.shape().end())));
    if (scores.numel() == 0) return 0;
    const auto predicted = argmax(scores.detach(), 1).to_vector();
    std::size_t correct = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i)
        correct += static_cast<std::int64_t>(predicted[i]) == labels(i);
    return correct;
}

std::size_t correct_predictions(const Tensor& scores, const std::vector<std::int64_t>& labels) {
    return correct_predictions(scores, detail::to_index_array(labels));
}

double accuracy(const Tensor& scores, const IndexArray& labels) {
    const std::size_t correct = correct_predictions(scores, labels);
    if (labels.size() == 0) throw ValueError("accuracy: the batch is empty (no rows to count)");
    return static_cast<double>(correct) / static_cast<double>(labels.size());
}

double accuracy(const Tensor& scores, const std::vector<std::int64_t>& labels) {
    return accuracy(scores, detail::to_index_array(labels));
}

}  // namespace xgrad::nn
