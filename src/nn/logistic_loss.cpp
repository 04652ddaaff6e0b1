// logistic_loss as one fused op (torch.nn.functional.soft_margin_loss): softplus(-y f) per
// element in the forward pass, -y σ(-y f) in the backward pass. Per-example SGD on a small model
// records only a handful of ops per update, so one node instead of four is most of its cost.

#include <cmath>
#include <string>

#include "labels.hpp"
#include "ops/scalar_math.hpp"
#include "pool.hpp"
#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/nn/loss.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/elementwise.hpp"
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

template <class T>
xt::xarray<T> forward(const xt::xarray<T>& f, const xt::xarray<T>& y, Reduction reduction) {
    const std::size_t n = f.size();
    if (reduction == Reduction::None) {
        xt::xarray<T> losses = xgrad::detail::new_array<T>(f.shape());
        for (std::size_t i = 0; i < n; ++i)
            losses.data()[i] = xgrad::detail::softplus_scalar(-y.data()[i] * f.data()[i]);
        return losses;
    }
    T total = 0;
    for (std::size_t i = 0; i < n; ++i)
        total += xgrad::detail::softplus_scalar(-y.data()[i] * f.data()[i]);
    xt::xarray<T> loss = xgrad::detail::new_array<T>(Shape{});
    loss() = reduction == Reduction::Mean ? total / static_cast<T>(n) : total;
    return loss;
}

/// d loss_i / d f_i = -y_i σ(-y_i f_i), times the gradient reaching example i.
template <class T>
xt::xarray<T> gradient(const xt::xarray<T>& f, const xt::xarray<T>& y,
                       const xt::xarray<T>& grad_output, Reduction reduction) {
    const std::size_t n = f.size();
    xt::xarray<T> result = xgrad::detail::new_array<T>(f.shape());
    T g = reduction == Reduction::None ? T(0) : grad_output();
    if (reduction == Reduction::Mean) g /= static_cast<T>(n);
    for (std::size_t i = 0; i < n; ++i) {
        const T yi = y.data()[i];
        const T gi = reduction == Reduction::None ? grad_output.data()[i] : g;
        result.data()[i] = -yi * xgrad::detail::sigmoid_scalar(-yi * f.data()[i]) * gi;
    }
    return result;
}

/// The same gradient from differentiable ops, for create_graph.
Tensor differentiable_gradient(const Tensor& grad_output, const Tensor& scores,
                               const Tensor& labels, Reduction reduction) {
    const Tensor d = -(labels * sigmoid(-(labels * scores)));
    if (reduction == Reduction::Mean)
        return d * (grad_output / static_cast<double>(scores.numel()));
    return d * grad_output;
}

}  // namespace

Tensor logistic_loss(const Tensor& scores, const Tensor& labels, Reduction reduction) {
    detail::check_same_shape("logistic_loss", scores, labels);
    check_same_dtype("logistic_loss", {scores, labels});
    check_labels(array_of(labels));
    // Labels that require grad (rare) take the composite form, differentiable in both.
    if (labels.requires_grad()) return reduce_loss(softplus(-(labels * scores)), reduction);

    Array value = std::visit(
        [&](const auto& f) -> Array {
            using A = std::decay_t<decltype(f)>;
            return forward(f, std::get<A>(array_of(labels)), reduction);
        },
        array_of(scores));
    return make_op(
        "logistic_loss", std::move(value), {scores, labels},
        [reduction](const Tensor& grad_output, const Tensor&, const std::vector<Tensor>& inputs) {
            if (is_grad_enabled())
                return std::vector<Tensor>{
                    differentiable_gradient(grad_output, inputs[0], inputs[1], reduction),
                    Tensor()};
            Array g = std::visit(
                [&](const auto& f) -> Array {
                    using A = std::decay_t<decltype(f)>;
                    return gradient(f, std::get<A>(array_of(inputs[1])),
                                    std::get<A>(array_of(grad_output)), reduction);
                },
                array_of(inputs[0]));
            return std::vector<Tensor>{make_leaf(std::move(g)), Tensor()};
        });
}

}  // namespace xgrad::nn
