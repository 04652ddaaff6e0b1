#include "xgrad/nn/loss.hpp"

#include <string>

#include "labels.hpp"
#include "xgrad/error.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::nn {

using detail::check_same_shape;

Tensor reduce_loss(const Tensor& losses, Reduction reduction) {
    switch (reduction) {
        case Reduction::Mean:
            return mean(losses);
        case Reduction::Sum:
            return sum(losses);
        case Reduction::None:
            return losses;
    }
    throw ValueError("reduce_loss: unknown reduction");
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
    check_same_shape("mse_loss", input, target);
    const Tensor d = input - target;
    return reduce_loss(d * d, reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
    check_same_shape("l1_loss", input, target);
    return reduce_loss(abs(input - target), reduction);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction, double delta) {
    check_same_shape("huber_loss", input, target);
    if (!(delta > 0.0))
        throw ValueError("huber_loss: expected delta > 0, got " + format_exact(delta));
    // With q = min(|d|, delta): 0.5 q^2 + delta (|d| - q) is 0.5 d^2 inside and
    // delta (|d| - 0.5 delta) outside, one smooth expression without a branch.
    const Tensor a = abs(input - target);
    const Tensor q = clamp(a, 0.0, delta);
    return reduce_loss(0.5 * q * q + delta * (a - q), reduction);
}

Tensor bce_with_logits(const Tensor& logits, const Tensor& target, Reduction reduction) {
    check_same_shape("bce_with_logits", logits, target);
    return reduce_loss(softplus(logits) - target * logits, reduction);
}

}  // namespace xgrad::nn
