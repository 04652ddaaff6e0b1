// logistic_loss as one fused op (torch.nn.functional.soft_margin_loss): softplus(-y f) per
// element, summed or averaged in the same pass. Per-example SGD on a small model records only a
// handful of ops per update, so one node instead of four is most of its cost.

#include <cmath>
#include <string>

#include "labels.hpp"
#include "xgrad/error.hpp"
#include "xgrad/nn/loss.hpp"
#include "xgrad/ops/pointwise.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::nn {

namespace {

void check_labels(const Array& labels) {
    std::visit(
        [](const auto& y) {
            for (std::size_t i = 0; i < y.size(); ++i) {
                const double v = static_cast<double>(y.data()[i]);
                if (v != 1.0 && v != -1.0)
                    throw ValueError("logistic_loss: labels must be -1 or +1, got " +
                                     format_exact(v) + " at flat index " + std::to_string(i));
            }
        },
        labels);
}

}  // namespace

Tensor logistic_loss(const Tensor& scores, const Tensor& labels, Reduction reduction) {
    detail::check_same_shape("logistic_loss", scores, labels);
    check_same_dtype("logistic_loss", {scores, labels});
    check_labels(array_of(labels));
    // loss = softplus(-y f); d/df = -y σ(-y f); d/dy = -f σ(-y f).
    const auto loss = [](auto f, auto y) { return softplus(-y * f); };
    const auto d_scores = [](auto g, auto f, auto y) { return -y * sigmoid(-y * f) * g; };
    const auto d_labels = [](auto g, auto f, auto y) { return -f * sigmoid(-y * f) * g; };
    if (reduction == Reduction::None)
        return binary_pointwise(
            "logistic_loss", scores, labels, loss,
            [d_scores](auto g, auto f, auto y, auto) { return d_scores(g, f, y); },
            [d_labels](auto g, auto f, auto y, auto) { return d_labels(g, f, y); });
    const double divisor = reduction == Reduction::Mean ? static_cast<double>(scores.numel()) : 1.0;
    return sum_pointwise("logistic_loss", scores, labels, divisor, loss, d_scores, d_labels);
}

}  // namespace xgrad::nn
