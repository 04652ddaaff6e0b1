// cross_entropy's plain case (logits (n, classes), labels, no weight, no smoothing, nothing
// ignored; class_losses.cpp picks it) as one fused op: a stable log-softmax and the pick of each
// row's label in the forward pass; its gradient softmax - onehot is an op of its own, computed from
// the probabilities the forward pass kept, with its own backward for higher-order gradients.

#include "cross_entropy.hpp"

#include <cmath>
#include <string>

#include "labels.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/grad_mode.hpp"
#include "xgrad/nn/loss.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"
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

/// (p - onehot) * g_i row by row, with g_i the gradient reaching example i.
template <class T>
xt::xarray<T> gradient(const xt::xarray<T>& probabilities, const IndexArray& labels,
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
    return result;
}

Tensor onehot(const IndexArray& labels, const Tensor& like) {
    const std::size_t n = like.shape()[0], classes = like.shape()[1];
    return make_leaf(dispatch(like.dtype(), [&](auto tag) -> Array {
        using T = decltype(tag);
        xt::xarray<T> o = xt::zeros<T>({n, classes});
        for (std::size_t i = 0; i < n; ++i) o(i, static_cast<std::size_t>(labels(i))) = T(1);
        return Array(std::move(o));
    }));
}

/// g_i broadcast against rows (n, classes), divided by n for the mean.
Tensor row_scale(const Tensor& grad_output, std::size_t n, Reduction reduction) {
    if (reduction == Reduction::None) return unsqueeze(grad_output, 1);
    if (reduction == Reduction::Mean) return grad_output / static_cast<double>(n);
    return grad_output;
}

/// The gradient of cross_entropy for the logits, (softmax(logits) - onehot) * g_i, as an op of
/// (logits, g) so that it can be differentiated again. Its value comes from the probabilities
/// the forward pass kept.
Tensor cross_entropy_backward(const Tensor& logits, const Tensor& grad_output,
                              std::shared_ptr<const Array> probabilities, const IndexArray& labels,
                              Reduction reduction) {
    Array value = std::visit(
        [&](const auto& p) -> Array {
            using A = std::decay_t<decltype(p)>;
            return gradient(p, labels, std::get<A>(array_of(grad_output)), reduction);
        },
        *probabilities);
    return make_op("cross_entropy_backward", std::move(value), {logits, grad_output},
                   [labels, reduction](const Tensor& u, const Tensor&, const Inputs& in) {
                       // f = (p - onehot) s, p = softmax(logits), s = row_scale(g): df/dlogits^T u
                       // is softmax's vjp of u s; df/dg^T u sums u (p - onehot) per row (or over
                       // all rows).
                       const Tensor& logits = in[0];
                       const std::size_t n = logits.shape()[0];
                       const Tensor p = softmax(logits, -1);
                       Tensor grad_logits, grad_g;
                       if (logits.requires_grad()) {
                           const Tensor w = u * row_scale(in[1], n, reduction);
                           grad_logits = p * (w - sum(w * p, {-1}, true));
                       }
                       if (in[1].requires_grad()) {
                           const Tensor dp = u * (p - onehot(labels, logits));
                           grad_g = reduction == Reduction::None ? sum(dp, {1}) : sum(dp);
                           if (reduction == Reduction::Mean)
                               grad_g = grad_g / static_cast<double>(n);
                       }
                       return Grads{grad_logits, grad_g};
                   });
}

}  // namespace

namespace detail {

Tensor fused_cross_entropy(const Tensor& logits, const IndexArray& labels, Reduction reduction) {
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
    return make_op(
        "cross_entropy", std::move(value), {logits},
        [probabilities, labels, reduction](const Tensor& g, const Tensor&, const Inputs& in) {
            return Grads{cross_entropy_backward(in[0], g, probabilities, labels, reduction)};
        });
}

}  // namespace detail

}  // namespace xgrad::nn
