#pragma once
/// \file loss.hpp
/// Loss functions. Each returns the per-element (or per-example) losses reduced by `reduction`:
/// their mean (the default), their sum, or unreduced. Regression losses take an input and a
/// target of the same shape; classification losses take logits or log-probabilities of shape
/// (n, classes) and integer class labels, one per row. All are differentiable (also twice, with
/// create_graph) and stable for large inputs.

#include <cstdint>
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

/// Negative log-likelihood: -log_probs[i, labels[i]] for log-probabilities of shape (n, classes)
/// (the output of log_softmax). IndexError for a label outside [0, classes).
Tensor nll_loss(const Tensor& log_probs, const IndexArray& labels,
                Reduction reduction = Reduction::Mean);
Tensor nll_loss(const Tensor& log_probs, const std::vector<std::int64_t>& labels,
                Reduction reduction = Reduction::Mean);

/// Cross-entropy of logits (n, classes) against integer labels: nll_loss(log_softmax(logits)),
/// fused into one op. The forward pass shifts each row by its maximum (finite for logits of any
/// finite size, e.g. ±1e4); the gradient is softmax(logits) - onehot(labels), scaled by the
/// reduction. IndexError for a label outside [0, classes).
Tensor cross_entropy(const Tensor& logits, const IndexArray& labels,
                     Reduction reduction = Reduction::Mean);
Tensor cross_entropy(const Tensor& logits, const std::vector<std::int64_t>& labels,
                     Reduction reduction = Reduction::Mean);

/// Combines per-element losses by `reduction` (mean, sum or as they are).
Tensor reduce_loss(const Tensor& losses, Reduction reduction);

}  // namespace xgrad::nn
