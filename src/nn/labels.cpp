#include "labels.hpp"

#include <string>
#include <xtensor/xadapt.hpp>

#include "xgrad/error.hpp"

namespace xgrad::nn::detail {

void check_same_shape(const char* op, const Tensor& input, const Tensor& target) {
    if (input.shape() != target.shape())
        throw ShapeError(std::string(op) + ": expected input and target of one shape, got " +
                         shape_str(input.shape()) + " and " + shape_str(target.shape()));
}

std::size_t check_class_inputs(const char* op, const Tensor& scores, const IndexArray& labels) {
    if (scores.dim() != 2)
        throw ShapeError(std::string(op) + ": expected scores of shape (n, classes), got " +
                         shape_str(scores.shape()));
    const std::size_t n = scores.shape()[0];
    const auto classes = static_cast<std::int64_t>(scores.shape()[1]);
    if (labels.dimension() != 1 || labels.size() != n)
        throw ShapeError(std::string(op) + ": expected " + std::to_string(n) +
                         " labels of shape (" + std::to_string(n) + ",) for scores " +
                         shape_str(scores.shape()) + ", got shape " +
                         shape_str(Shape(labels.shape().begin(), labels.shape().end())));
    for (std::size_t i = 0; i < n; ++i)
        if (labels(i) < 0 || labels(i) >= classes)
            throw IndexError(std::string(op) + ": label " + std::to_string(labels(i)) +
                             " of example " + std::to_string(i) + " is outside [0, " +
                             std::to_string(classes) + ")");
    return n;
}

IndexArray to_index_array(const std::vector<std::int64_t>& labels) {
    IndexArray result = xt::adapt(labels, {labels.size()});
    return result;
}

}  // namespace xgrad::nn::detail
