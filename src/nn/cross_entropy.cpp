// cross_entropy as one fused op: a stable log-softmax and the pick of each row's label in the
// forward pass; softmax - onehot in the backward pass, from the probabilities the forward pass
// kept (or, under create_graph, from differentiable ops so that it can be differentiated again).

#include <cmath>
#include <string>

#include "labels.hpp"
#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/nn/loss.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::nn {

namespace {

struct Forward {
    Array losses;         // (n,) per-example losses
    Array probabilities;  // (n, classes) softmax, kept for the backward pass
};

template <class T>
Forward forward(const xt::xarray<T>& logits, const IndexArray& labels) {
    const std::size_t n = logits.shape()[0];
    const std::size_t classes = logits.shape()[1];
    auto losses = xt::xarray<T>::from_shape({n});
    auto probabilities = xt::xarray<T>::from_shape({n, classes});
    for (std::size_t i = 0; i < n; ++i) {
        const T* row = logits.data() + i * classes;
        T* p = probabilities.data() + i * classes;
        T shift = row[0];
        for (std::size_t j = 1; j < classes; ++j) shift = std::max(shift, row[j]);
        // Every exponent is <= 0 and the largest is 0, so the sum lies in [1, classes]: no
        // overflow, no log(0).
        T total = 0;
        for (std::size_t j = 0; j < classes; ++j) total += (p[j] = std::exp(row[j] - shift));
        for (std::size_t j = 0; j < classes; ++j) p[j] /= total;
        losses(i) = std::log(total) - (row[labels(i)] - shift);
    }
    return {Array(std::move(losses)), Array(std::move(probabilities))};
}

template <class T>
T reduce(const xt::xarray<T>& losses, Reduction reduction) {
    T total = 0;
    for (T v : losses) total += v;
    return reduction == Reduction::Mean ? total / static_cast<T>(losses.size()) : total;
}

/// d loss_i / d logits = (p - onehot) * g_i, with g_i the gradient reaching example i.
template <class T>
Array gradient(const xt::xarray<T>& probabilities, const IndexArray& labels,
               const xt::xarray<T>& grad_output, Reduction reduction) {
    const std::size_t n = probabilities.shape()[0];
    const std::size_t classes = probabilities.shape()[1];
    xt::xarray<T> result = probabilities;
    for (std::size_t i = 0; i < n; ++i) {
        T g = reduction == Reduction::None ? grad_output(i) : grad_output();
        if (reduction == Reduction::Mean) g /= static_cast<T>(n);
        T* row = result.data() + i * classes;
        row[labels(i)] -= T(1);
        for (std::size_t j = 0; j < classes; ++j) row[j] *= g;
    }
    return Array(std::move(result));
}

/// The same gradient from differentiable ops, for create_graph.
Tensor differentiable_gradient(const Tensor& grad_output, const Tensor& logits,
                               const IndexArray& labels, Reduction reduction) {
    const std::size_t n = logits.shape()[0];
    const std::size_t classes = logits.shape()[1];
    Array onehot = dispatch(logits.dtype(), [&](auto tag) -> Array {
        using T = decltype(tag);
        xt::xarray<T> o = xt::zeros<T>({n, classes});
        for (std::size_t i = 0; i < n; ++i) o(i, static_cast<std::size_t>(labels(i))) = T(1);
        return Array(std::move(o));
    });
    const Tensor d = softmax(logits, -1) - make_leaf(std::move(onehot));
    if (reduction == Reduction::None) return d * unsqueeze(grad_output, 1);
    if (reduction == Reduction::Mean) return d * (grad_output / static_cast<double>(n));
    return d * grad_output;
}

}  // namespace

Tensor cross_entropy(const Tensor& logits, const IndexArray& labels, Reduction reduction) {
    const std::size_t n = detail::check_class_inputs("cross_entropy", logits, labels);
    if (logits.shape()[1] == 0)
        throw ShapeError("cross_entropy: expected at least one class, got logits " +
                         shape_str(logits.shape()));
    if (n == 0 && reduction == Reduction::Mean)
        throw ValueError("cross_entropy: the mean over an empty batch is undefined");

    Forward result =
        std::visit([&](const auto& x) { return forward(x, labels); }, array_of(logits));
    Array value = reduction == Reduction::None
                      ? std::move(result.losses)
                      : std::visit(
                            [&](const auto& losses) -> Array {
                                using T = typename std::decay_t<decltype(losses)>::value_type;
                                return Array(xt::xarray<T>(reduce(losses, reduction)));
                            },
                            result.losses);
    // Keep the probabilities only if a backward pass can come.
    auto probabilities = std::make_shared<const Array>(
        is_grad_enabled() && logits.requires_grad() ? std::move(result.probabilities) : Array());
    return make_op("cross_entropy", std::move(value), {logits},
                   [probabilities, labels, reduction](const Tensor& grad_output, const Tensor&,
                                                      const std::vector<Tensor>& inputs) {
                       if (is_grad_enabled())
                           return std::vector<Tensor>{
                               differentiable_gradient(grad_output, inputs[0], labels, reduction)};
                       Array g = std::visit(
                           [&](const auto& p) {
                               using A = std::decay_t<decltype(p)>;
                               return gradient(p, labels, std::get<A>(array_of(grad_output)),
                                               reduction);
                           },
                           *probabilities);
                       return std::vector<Tensor>{make_leaf(std::move(g))};
                   });
}

Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& labels,
                     Reduction reduction) {
    return cross_entropy(logits, detail::to_index_array(labels), reduction);
}

}  // namespace xgrad::nn
