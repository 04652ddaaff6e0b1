#include "labels.hpp"

#include <string>
#include <xtensor/xadapt.hpp>

#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad::nn::detail {

namespace {
std::size_t labels_count(const Shape& shape) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}
}  // namespace

void check_same_shape(const char* op, const Tensor& input, const Tensor& target) {
    if (input.shape() != target.shape())
        throw ShapeError(std::string(op) + ": expected input and target of one shape, got " +
                         shape_str(input.shape()) + " and " + shape_str(target.shape()));
}

std::size_t check_class_inputs(const char* op, const Tensor& scores, const IndexArray& labels,
                               std::int64_t ignore_index, const Tensor& weight) {
    const Shape label_shape(labels.shape().begin(), labels.shape().end());
    if (scores.dim() == 0)
        throw ShapeError(std::string(op) + ": expected scores of shape (n, classes), " +
                         "(n, classes, d1, ...) or (classes), got a 0-d tensor");
    const std::size_t class_axis = scores.dim() == 1 ? 0 : 1;
    Shape expected = scores.shape();
    expected.erase(expected.begin() + static_cast<std::ptrdiff_t>(class_axis));
    if (label_shape != expected)
        throw ShapeError(std::string(op) + ": expected " + std::to_string(labels_count(expected)) +
                         " labels of shape " + shape_str(expected) + " for scores " +
                         shape_str(scores.shape()) + ", got shape " + shape_str(label_shape) +
                         " (scores (n, classes) or (n, classes, d1, ...) take labels (n) or "
                         "(n, d1, ...), scores (classes) a 0-d label)");
    const std::size_t classes = scores.shape()[class_axis];
    if (classes == 0)
        throw ShapeError(std::string(op) + ": expected at least one class, got scores " +
                         shape_str(scores.shape()));
    const auto c = static_cast<std::int64_t>(classes);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::int64_t label = labels.data()[i];
        if (label != ignore_index && (label < 0 || label >= c))
            throw IndexError(std::string(op) + ": label " + std::to_string(label) + " of example " +
                             std::to_string(i) + " is outside [0, " + std::to_string(classes) +
                             ") (ignore_index " + std::to_string(ignore_index) + ")");
    }
    check_class_weight(op, scores, classes, weight);
    return classes;
}

void check_class_weight(const char* op, const Tensor& scores, std::size_t classes,
                        const Tensor& weight) {
    if (!weight.defined()) return;
    if (weight.shape() != Shape{classes})
        throw ShapeError(std::string(op) + ": expected a weight of shape (" +
                         std::to_string(classes) + ",), one per class, got " +
                         shape_str(weight.shape()));
    check_same_dtype(op, {scores, weight});
}

IndexArray to_index_array(const std::vector<std::int64_t>& labels) {
    IndexArray result = xt::adapt(labels, {labels.size()});
    return result;
}

}  // namespace xgrad::nn::detail
