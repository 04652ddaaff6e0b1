#pragma once
/// \file loss.hpp
/// Loss functions. Each returns the per-element (or per-example) losses reduced by `reduction`:
/// their mean (the default), their sum, or unreduced. Regression losses take an input and a
/// target of the same shape; classification losses take logits or log-probabilities of shape
/// (n, classes) (or (n, classes, d1, ...)) and integer class labels, one per row (per element). All
/// are differentiable (also twice, with create_graph) and stable for large inputs.

#include <cstdint>
#include <utility>
#include <vector>

#include "xgrad/ops/shape.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::nn {

/// How the losses of the elements are combined.
enum class Reduction {
    Mean,  ///< the average: a scalar
    Sum,   ///< the sum: a scalar
    None   ///< no reduction: one loss per element (or per example for class losses)
};

/// Squared error (input - target)^2.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);

/// Absolute error |input - target|.
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);

/// Huber loss: 0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) beyond, with d = input -
/// target (torch.nn.functional.huber_loss). ValueError unless delta > 0.
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                  double delta = 1.0);

/// Binary cross-entropy on logits x with targets t in [0, 1]:
/// -(t log σ(x) + (1 - t) log(1 - σ(x))) = softplus(x) - t x, finite for any finite x.
Tensor bce_with_logits(const Tensor& logits, const Tensor& target,
                       Reduction reduction = Reduction::Mean);

/// The logistic loss of a score f(x) for a label y in {-1, +1}: -log σ(y f) = log(1 + e^(-y f)),
/// computed as softplus(-y f) so that it stays finite and accurate for large |f|. With
/// Reduction::Sum it is the lecture's -Σ log σ(y_i f(x_i)). ValueError if a label is not ±1.
Tensor logistic_loss(const Tensor& scores, const Tensor& labels,
                     Reduction reduction = Reduction::Mean);

/// The options shared by nll_loss and cross_entropy, as libtorch's NLLLossFuncOptions spell
/// them, with chainable setters: `NLLLossOptions().weight(w).ignore_index(0)`. `Self` is the
/// options class the setters return.
template <class Self>
class ClassLossOptions {
public:
    /// Class weights, a tensor (classes,) of the input's dtype: example i counts w[target_i]
    /// times, and the mean divides by the sum of the counted examples' weights (torch's weighted
    /// mean). Not differentiated. Undefined (the default): every class weighs 1.
    Self& weight(Tensor weight) {
        weight_ = std::move(weight);
        return self();
    }
    /// The class weights (undefined when not set).
    const Tensor& weight() const { return weight_; }
    /// Targets equal to this value count for nothing (loss 0, weight 0 in the mean); -100 by
    /// default, as torch.
    Self& ignore_index(std::int64_t index) {
        ignore_index_ = index;
        return self();
    }
    /// The ignored target value.
    std::int64_t ignore_index() const { return ignore_index_; }
    /// How the per-element losses are combined (the mean by default).
    Self& reduction(Reduction reduction) {
        reduction_ = reduction;
        return self();
    }
    /// The reduction.
    Reduction reduction() const { return reduction_; }

private:
    Self& self() { return static_cast<Self&>(*this); }
    Tensor weight_;
    std::int64_t ignore_index_ = -100;
    Reduction reduction_ = Reduction::Mean;
};

/// Options of nll_loss: weight, ignore_index, reduction.
class NLLLossOptions : public ClassLossOptions<NLLLossOptions> {};

/// Options of cross_entropy: weight, ignore_index, reduction and label_smoothing.
class CrossEntropyOptions : public ClassLossOptions<CrossEntropyOptions> {
public:
    /// ε in [0, 1] (else a ValueError): the target becomes (1 - ε) onehot + ε / classes, so
    /// the loss is (1 - ε) nll + ε mean_c(-w_c log p_c) (torch's formula, weights included).
    CrossEntropyOptions& label_smoothing(double epsilon) {
        label_smoothing_ = epsilon;
        return *this;
    }
    /// The label smoothing ε.
    double label_smoothing() const { return label_smoothing_; }

private:
    double label_smoothing_ = 0.0;
};

/// Negative log-likelihood, torch.nn.functional.nll_loss: the loss of element i is
/// -w[t_i] log_probs[i, t_i] for log-probabilities (the output of log_softmax) of shape
/// (n, classes), (n, classes, d1, ...) with targets (n, d1, ...), or (classes) with a 0-d
/// target. Reduction::None keeps the target's shape; Mean divides the sum by Σ w[t_i] over the
/// counted elements (n when unweighted); targets equal to ignore_index count for nothing.
/// IndexError for another target outside [0, classes), ShapeError for mismatched shapes,
/// ValueError for the mean of an empty batch (torch returns NaN; NaN also when every target is
/// ignored, as torch).
Tensor nll_loss(const Tensor& log_probs, const IndexArray& target, const NLLLossOptions& options);
/// The same with the default options and `reduction`.
Tensor nll_loss(const Tensor& log_probs, const IndexArray& labels,
                Reduction reduction = Reduction::Mean);
/// The same with the labels as a vector (one per row of (n, classes) log-probabilities).
Tensor nll_loss(const Tensor& log_probs, const std::vector<std::int64_t>& labels,
                Reduction reduction = Reduction::Mean);
/// The same with the labels as a vector and options.
Tensor nll_loss(const Tensor& log_probs, const std::vector<std::int64_t>& labels,
                const NLLLossOptions& options);

/// Cross-entropy of logits against integer targets, torch.nn.functional.cross_entropy:
/// nll_loss(log_softmax(logits, class axis), target) with the shapes, weights, ignore_index and
/// reductions of nll_loss, and label smoothing. Plain targets (no weight, no smoothing, logits
/// (n, classes), no ignored target) take one fused op: the forward pass shifts each row by its
/// maximum (finite for logits of any finite size, e.g. ±1e4) and the gradient is
/// softmax(logits) - onehot(labels), scaled by the reduction. Differentiable twice.
Tensor cross_entropy(const Tensor& logits, const IndexArray& target,
                     const CrossEntropyOptions& options);
/// The same with the default options and `reduction`.
Tensor cross_entropy(const Tensor& logits, const IndexArray& labels,
                     Reduction reduction = Reduction::Mean);
/// The same with the labels as a vector.
Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& labels,
                     Reduction reduction = Reduction::Mean);
/// The same with the labels as a vector and options.
Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& labels,
                     const CrossEntropyOptions& options);
/// Cross-entropy against class probabilities `target` of the logits' shape (each element's
/// probabilities along the class axis): -Σ_c w_c t_c log_softmax(logits)_c per element, with
/// t smoothed to (1 - ε) t + ε / classes; Mean divides by the number of elements (weights do not
/// enter the denominator, as torch). Differentiable for logits and target. ignore_index must stay
/// negative (ValueError), as torch.
Tensor cross_entropy(const Tensor& logits, const Tensor& target,
                     const CrossEntropyOptions& options = CrossEntropyOptions());

/// Combines per-element losses by `reduction` (mean, sum or as they are).
Tensor reduce_loss(const Tensor& losses, Reduction reduction);

}  // namespace xgrad::nn
