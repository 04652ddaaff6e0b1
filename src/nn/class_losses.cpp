// nll_loss and cross_entropy with torch's options (class weights, ignore_index, label smoothing,
// targets (n, d1, ...) or probabilities), composed of differentiable ops so that every
// derivative comes from theirs. cross_entropy's plain case, the training loop's, takes the fused
// op of cross_entropy.cpp instead.
#include <algorithm>
#include <string>

#include "cross_entropy.hpp"
#include "labels.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/nn/loss.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::nn {

namespace {

/// The class axis of scores (n, classes, ...) or (classes).
std::ptrdiff_t class_axis(const Tensor& scores) { return scores.dim() == 1 ? 0 : 1; }

/// The mean over no element is refused (torch returns NaN).
void check_mean_of_empty(const char* op, const Tensor& scores, Reduction reduction) {
    if (reduction == Reduction::Mean && scores.numel() == 0)
        throw ValueError(std::string(op) + ": the mean over an empty batch is undefined (scores " +
                         shape_str(scores.shape()) + ")");
}

/// What each target element counts for: w[t] (1 unweighted), 0 where t is ignored.
struct TargetWeights {
    Tensor per_element;  ///< the target's shape, the scores' dtype; a constant
    Tensor counted;      ///< 1 where the target is not ignored, 0 where it is; a constant
    double total = 0;    ///< Σ per_element, the weighted mean's denominator
};

TargetWeights target_weights(const Tensor& scores, const IndexArray& target, const Tensor& weight,
                             std::int64_t ignore_index) {
    const Shape shape(target.shape().begin(), target.shape().end());
    std::vector<double> w;
    if (weight.defined()) w = weight.to_vector();
    TargetWeights result;
    dispatch(scores.dtype(), [&](auto tag) {
        using T = decltype(tag);
        xt::xarray<T> values = xt::xarray<T>::from_shape(shape);
        xt::xarray<T> counted = xt::xarray<T>::from_shape(shape);
        for (std::size_t i = 0; i < target.size(); ++i) {
            const std::int64_t t = target.data()[i];
            const bool ignored = t == ignore_index;
            const T v = ignored
                            ? T(0)
                            : (w.empty() ? T(1) : static_cast<T>(w[static_cast<std::size_t>(t)]));
            values.data()[i] = v;
            counted.data()[i] = ignored ? T(0) : T(1);
            result.total += static_cast<double>(v);
        }
        result.per_element = make_leaf(Array(std::move(values)));
        result.counted = make_leaf(Array(std::move(counted)));
    });
    return result;
}

/// Per-element losses -w[t] scores[.., t, ..] reduced (the mean weighted), no checks.
Tensor weighted_nll(const Tensor& log_probs, const IndexArray& target, const TargetWeights& w,
                    Reduction reduction) {
    // gather along the class axis with the target as a size-1 class axis (ignored targets read
    // class 0, weighted 0).
    IndexArray index = target;
    for (auto& t : index)
        if (t < 0 || t >= static_cast<std::int64_t>(log_probs.shape()[class_axis(log_probs)]))
            t = 0;
    Shape index_shape = log_probs.shape();  // the target's shape, 1 on the class axis
    index_shape[static_cast<std::size_t>(class_axis(log_probs))] = 1;
    index.reshape(index_shape);
    const Tensor picked = reshape(gather(log_probs, class_axis(log_probs), index),
                                  Shape(target.shape().begin(), target.shape().end()));
    const Tensor losses = -(picked * w.per_element);
    if (reduction == Reduction::Mean) return sum(losses) / w.total;  // 0/0 = NaN, as torch
    return reduce_loss(losses, reduction);
}

/// The class weights shaped to broadcast along the class axis of `scores`: (classes, 1, ...).
Tensor class_weights_along_axis(const Tensor& scores, const Tensor& weight) {
    Shape shape(scores.dim() - static_cast<std::size_t>(class_axis(scores)), 1);
    shape[0] = weight.numel();
    return reshape(weight.detach(), shape);
}

void check_label_smoothing(double epsilon) {
    if (!(epsilon >= 0.0 && epsilon <= 1.0))
        throw ValueError("cross_entropy: label_smoothing must lie in [0, 1], got " +
                         format_exact(epsilon));
}

}  // namespace

Tensor nll_loss(const Tensor& log_probs, const IndexArray& target, const NLLLossOptions& options) {
    detail::check_class_inputs("nll_loss", log_probs, target, options.ignore_index(),
                               options.weight());
    check_mean_of_empty("nll_loss", log_probs, options.reduction());
    return weighted_nll(log_probs, target,
                        target_weights(log_probs, target, options.weight(), options.ignore_index()),
                        options.reduction());
}

Tensor nll_loss(const Tensor& log_probs, const IndexArray& labels, Reduction reduction) {
    return nll_loss(log_probs, labels, NLLLossOptions().reduction(reduction));
}

Tensor nll_loss(const Tensor& log_probs, const std::vector<std::int64_t>& labels,
                Reduction reduction) {
    return nll_loss(log_probs, detail::to_index_array(labels), reduction);
}

Tensor nll_loss(const Tensor& log_probs, const std::vector<std::int64_t>& labels,
                const NLLLossOptions& options) {
    return nll_loss(log_probs, detail::to_index_array(labels), options);
}

Tensor cross_entropy(const Tensor& logits, const IndexArray& target,
                     const CrossEntropyOptions& options) {
    const std::size_t classes = detail::check_class_inputs(
        "cross_entropy", logits, target, options.ignore_index(), options.weight());
    check_label_smoothing(options.label_smoothing());
    const Reduction reduction = options.reduction();
    check_mean_of_empty("cross_entropy", logits, reduction);
    const bool ignores =
        std::find(target.begin(), target.end(), options.ignore_index()) != target.end();
    if (logits.dim() == 2 && !options.weight().defined() && options.label_smoothing() == 0.0 &&
        !ignores)
        return detail::fused_cross_entropy(logits, target, reduction);

    const Tensor log_probs = log_softmax(logits, class_axis(logits));
    const TargetWeights w =
        target_weights(logits, target, options.weight(), options.ignore_index());
    const Tensor nll = weighted_nll(log_probs, target, w, reduction);
    const double epsilon = options.label_smoothing();
    if (epsilon == 0.0) return nll;
    // torch's smoothing term: -Σ_c w_c log p_c per element, 0 where the target is ignored, its
    // mean weighted as nll's (divided by Σ w[t]).
    const Tensor weighted = options.weight().defined()
                                ? log_probs * class_weights_along_axis(logits, options.weight())
                                : log_probs;
    Tensor smooth = -sum(weighted, {class_axis(logits)});
    if (ignores) smooth = smooth * w.counted;
    const Tensor reduced =
        reduction == Reduction::Mean ? sum(smooth) / w.total : reduce_loss(smooth, reduction);
    return (1.0 - epsilon) * nll + reduced * (epsilon / static_cast<double>(classes));
}

Tensor cross_entropy(const Tensor& logits, const IndexArray& labels, Reduction reduction) {
    return cross_entropy(logits, labels, CrossEntropyOptions().reduction(reduction));
}

Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& labels,
                     Reduction reduction) {
    return cross_entropy(logits, detail::to_index_array(labels), reduction);
}

Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& labels,
                     const CrossEntropyOptions& options) {
    return cross_entropy(logits, detail::to_index_array(labels), options);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target,
                     const CrossEntropyOptions& options) {
    if (logits.dim() == 0 || target.shape() != logits.shape())
        throw ShapeError("cross_entropy: expected probabilities of the logits' shape " +
                         shape_str(logits.shape()) + ", got " + shape_str(target.shape()));
    check_same_dtype("cross_entropy", {logits, target});
    if (options.ignore_index() >= 0)
        throw ValueError(
            "cross_entropy: ignore_index is not supported with probabilities as "
            "targets, got " +
            std::to_string(options.ignore_index()));
    const std::size_t classes = logits.shape()[static_cast<std::size_t>(class_axis(logits))];
    detail::check_class_weight("cross_entropy", logits, classes, options.weight());
    check_label_smoothing(options.label_smoothing());
    check_mean_of_empty("cross_entropy", logits, options.reduction());
    const double epsilon = options.label_smoothing();
    const Tensor t =
        epsilon > 0.0 ? target * (1.0 - epsilon) + epsilon / static_cast<double>(classes) : target;
    Tensor weighted = log_softmax(logits, class_axis(logits)) * t;
    if (options.weight().defined())
        weighted = weighted * class_weights_along_axis(logits, options.weight());
    return reduce_loss(-sum(weighted, {class_axis(logits)}), options.reduction());
}

}  // namespace xgrad::nn
