// batch_norm, layer_norm and group_norm: each is normalize() over its own view of the input
// (ops/normalize.hpp) followed by the elementwise affine weight and bias.
#include "xgrad/ops/norm.hpp"

#include <cmath>

#include "ops/common.hpp"
#include "ops/normalize.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad {
using detail::NormLayout;

namespace {

/// `t` (C,) shaped to broadcast along axis 1 of a tensor of rank `rank`: (1, C, 1, ...).
Tensor per_channel(const Tensor& t, std::size_t rank) {
    Shape shape(rank, 1);
    shape[1] = t.numel();
    return reshape(t, shape);
}

/// y * weight + bias, each optional, with weight and bias shaped by `shape_of`.
template <class ShapeOf>
Tensor affine(Tensor y, const Tensor& weight, const Tensor& bias, ShapeOf shape_of) {
    if (weight.defined()) y = y * shape_of(weight);
    if (bias.defined()) y = y + shape_of(bias);
    return y;
}

void check_vector(const std::string& op, const char* what, const Tensor& t, std::size_t size,
                  const Tensor& input) {
    if (!t.defined()) return;
    if (t.dim() != 1 || t.shape()[0] != size)
        throw ShapeError(op + ": expected " + what + " of shape (" + std::to_string(size) +
                         ",) for input " + shape_str(input.shape()) + ", got " +
                         shape_str(t.shape()));
    if (t.dtype() != input.dtype()) check_same_dtype(op.c_str(), {input, t});
}

/// running = (1 - momentum) running + momentum stat, in place and outside the graph.
void update_running(const Tensor& running, const std::vector<double>& stat, double momentum) {
    std::visit(
        [&](auto& r) {
            using T = detail::element_t<decltype(r)>;
            for (std::size_t c = 0; c < stat.size(); ++c)
                r.data()[c] = static_cast<T>((1.0 - momentum) * static_cast<double>(r.data()[c]) +
                                             momentum * stat[c]);
        },
        running.node()->value);
}

}  // namespace

namespace {
Tensor batch_norm_untraced(const Tensor& input, const Tensor& running_mean,
                           const Tensor& running_var, const Tensor& weight, const Tensor& bias,
                           bool training, double momentum, double eps) {
    const std::string op = "batch_norm";
    if (input.dim() < 2)
        throw ShapeError(op + ": expected an input (N, C, *) of at least 2 dimensions, got " +
                         shape_str(input.shape()));
    const std::size_t channels = input.shape()[1];
    check_vector(op, "weight", weight, channels, input);
    check_vector(op, "bias", bias, channels, input);
    check_vector(op, "running_mean", running_mean, channels, input);
    check_vector(op, "running_var", running_var, channels, input);
    if (running_mean.defined() != running_var.defined())
        throw ValueError(op + ": running_mean and running_var must both be given or both not");
    const auto affine_channel = [&](const Tensor& t) { return per_channel(t, input.dim()); };

    if (!training) {
        if (!running_mean.defined())
            throw ValueError(op +
                             ": evaluation (training=false) needs running_mean and running_var");
        // y = (x - mean) / sqrt(var + eps) * weight + bias, with the running statistics constant.
        const Tensor inv_std = detail::constant(detail::apply(running_var, [&](const auto& v) {
            using T = detail::element_t<decltype(v)>;
            return T(1) / xt::sqrt(v + static_cast<T>(eps));
        }));
        Tensor scale = weight.defined() ? inv_std * weight : inv_std;
        Tensor shift = -(running_mean.detach() * scale);
        if (bias.defined()) shift = shift + bias;
        return input * affine_channel(scale) + affine_channel(shift);
    }

    const NormLayout layout{input.shape()[0], channels,
                            detail::product(input.shape(), 2, input.dim())};
    if (layout.count() <= 1)
        throw ValueError(op + ": expected more than 1 value per channel when training, got input " +
                         shape_str(input.shape()));
    std::vector<double> mean, var;
    Tensor y = detail::normalize(input, layout, eps, weight, bias, &mean, &var);
    if (running_mean.defined()) {  // only after everything above succeeded
        const double m = static_cast<double>(layout.count());
        for (auto& v : var) v *= m / (m - 1.0);
        update_running(running_mean, mean, momentum);
        update_running(running_var, var, momentum);
    }
    return y;
}
}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training, double momentum,
                  double eps) {
    Tensor y = batch_norm_untraced(input, running_mean, running_var, weight, bias, training,
                                   momentum, eps);
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "batch_norm", {input, weight, bias, running_mean, running_var},
                      {{"training", std::int64_t{training}}, {"eps", eps}});
    return y;
}

Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps) {
    const std::string op = "layer_norm";
    const std::size_t k = normalized_shape.size(), rank = input.dim();
    bool fits = k >= 1 && k <= rank;
    for (std::size_t i = 0; fits && i < k; ++i)
        fits = input.shape()[rank - k + i] == normalized_shape[i];
    if (!fits)
        throw ShapeError(op + ": normalized_shape " + shape_str(normalized_shape) +
                         " is not the trailing shape of the input " + shape_str(input.shape()));
    for (const Tensor* t : {&weight, &bias})
        if (t->defined() && t->shape() != normalized_shape)
            throw ShapeError(op + ": expected weight and bias of shape " +
                             shape_str(normalized_shape) + ", got " + shape_str(t->shape()));
    const NormLayout layout{1, detail::product(input.shape(), 0, rank - k),
                            detail::product(input.shape(), rank - k, rank)};
    Tensor y = affine(detail::normalize(input, layout, eps), weight, bias,
                      [](const Tensor& t) { return t; });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "layer_norm", {input, weight, bias},
                      {{"axis", -static_cast<std::int64_t>(k)}, {"eps", eps}});
    return y;
}

Tensor group_norm(const Tensor& input, std::size_t num_groups, const Tensor& weight,
                  const Tensor& bias, double eps) {
    const std::string op = "group_norm";
    if (input.dim() < 2)
        throw ShapeError(op + ": expected an input (N, C, *) of at least 2 dimensions, got " +
                         shape_str(input.shape()));
    const std::size_t channels = input.shape()[1];
    if (num_groups == 0 || channels % num_groups != 0)
        throw ShapeError(op + ": num_groups=" + std::to_string(num_groups) +
                         " does not divide the " + std::to_string(channels) +
                         " channels of input " + shape_str(input.shape()));
    check_vector(op, "weight", weight, channels, input);
    check_vector(op, "bias", bias, channels, input);
    const NormLayout layout{1, input.shape()[0] * num_groups,
                            channels / num_groups * detail::product(input.shape(), 2, input.dim())};
    Tensor y = affine(detail::normalize(input, layout, eps), weight, bias,
                      [&](const Tensor& t) { return per_channel(t, input.dim()); });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "group_norm", {input, weight, bias},
                      {{"num_groups", static_cast<std::int64_t>(num_groups)}, {"eps", eps}});
    return y;
}

}  // namespace xgrad
