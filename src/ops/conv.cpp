// conv2d and its two gradients, each an op whose forward is im2col / col2im and one gemm per
// group over the whole batch. The three are bilinear, and the gradient of each is written with
// the others:
//   y  = conv(x, w):               dx = input_grad(g, w),  dw = weight_grad(x, g)
//   gx = input_grad(g, w):         dg = conv(u, w),        dw = weight_grad(u, g)
//   gw = weight_grad(x, g):        dx = input_grad(g, u),  dg = conv(x, u)
// (u the gradient arriving at the op's output), which follows from
// <u, input_grad(g, w)> = <g, conv(u, w)> and <u, weight_grad(x, g)> = <g, conv(x, u)>.
#include "xgrad/ops/conv.hpp"

#include <array>

#include "blas.hpp"
#include "ops/common.hpp"
#include "ops/conv_products.hpp"
#include "ops/normalize.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/pad.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad {
using detail::ConvGeometry;
using detail::element_t;

ConvPadding::ConvPadding(const std::string& mode) {
    if (mode == "valid")
        this->mode = Mode::Valid;
    else if (mode == "same")
        this->mode = Mode::Same;
    else
        throw ValueError("conv: padding '" + mode + "' is not one of 'valid', 'same' or sizes");
}

namespace {

std::string pair_str(Pair2 p) { return std::to_string(p.h) + "x" + std::to_string(p.w); }

/// The spatial output size of a convolution along one axis, or 0 when the kernel does not fit.
std::size_t conv_out_size(std::size_t size, std::size_t pad, std::size_t kernel,
                          std::size_t dilation, std::size_t stride) {
    const std::size_t span = dilation * (kernel - 1) + 1;
    if (size + 2 * pad < span) return 0;
    return (size + 2 * pad - span) / stride + 1;
}

/// Checks the arguments of a convolution of `input_shape` by `weight_shape` and returns its
/// geometry; `out_size` (if non-zero) overrides the computed output size (a transposed
/// convolution's output_padding can leave a gradient shorter than the formula).
ConvGeometry geometry(const std::string& op, const Shape& input_shape, const Shape& weight_shape,
                      Pair2 stride, Pair2 padding, Pair2 dilation, std::size_t groups) {
    const auto shapes = [&] {
        return " (input " + shape_str(input_shape) + ", weight " + shape_str(weight_shape) + ")";
    };
    if (input_shape.size() != 4)
        throw ShapeError(op + ": expected a 4-D input (N, C_in, H, W), got shape " +
                         shape_str(input_shape));
    if (weight_shape.size() != 4)
        throw ShapeError(op + ": expected a 4-D weight (C_out, C_in / groups, kH, kW), got shape " +
                         shape_str(weight_shape));
    if (stride.h == 0 || stride.w == 0 || dilation.h == 0 || dilation.w == 0)
        throw ValueError(op + ": stride " + pair_str(stride) + " and dilation " +
                         pair_str(dilation) + " must be positive");
    if (groups == 0) throw ValueError(op + ": groups must be positive, got 0");
    const std::size_t in_channels = input_shape[1], out_channels = weight_shape[0];
    if (in_channels % groups != 0 || out_channels % groups != 0)
        throw ShapeError(op + ": groups=" + std::to_string(groups) + " does not divide the " +
                         std::to_string(in_channels) + " input channels and the " +
                         std::to_string(out_channels) + " output channels" + shapes());
    if (weight_shape[1] * groups != in_channels)
        throw ShapeError(op + ": the input has " + std::to_string(in_channels) +
                         " channels, the weight expects " + std::to_string(weight_shape[1]) +
                         " x groups=" + std::to_string(groups) + " = " +
                         std::to_string(weight_shape[1] * groups) + shapes());
    if (weight_shape[2] == 0 || weight_shape[3] == 0)
        throw ShapeError(op + ": the kernel is empty" + shapes());
    const std::size_t out_h =
        conv_out_size(input_shape[2], padding.h, weight_shape[2], dilation.h, stride.h);
    const std::size_t out_w =
        conv_out_size(input_shape[3], padding.w, weight_shape[3], dilation.w, stride.w);
    if (out_h == 0 || out_w == 0)
        throw ShapeError(
            op + ": the kernel " + pair_str({weight_shape[2], weight_shape[3]}) + " (dilation " +
            pair_str(dilation) + ") is larger than the padded input " +
            pair_str({input_shape[2] + 2 * padding.h, input_shape[3] + 2 * padding.w}) +
            " (padding " + pair_str(padding) + ")" + shapes());
    return {input_shape[0], in_channels,     input_shape[2],  input_shape[3],
            out_channels,   weight_shape[2], weight_shape[3], out_h,
            out_w,          stride.h,        stride.w,        padding.h,
            padding.w,      dilation.h,      dilation.w,      groups};
}

/// The geometry of a gradient op, from the shapes it is given: the input's (N, C_in, H, W),
/// the weight's and the output gradient's, whose spatial size must not exceed the formula's.
ConvGeometry gradient_geometry(const char* op, const Shape& input_shape, const Shape& weight_shape,
                               const Shape& grad_shape, Pair2 stride, Pair2 padding, Pair2 dilation,
                               std::size_t groups) {
    ConvGeometry g = geometry(op, input_shape, weight_shape, stride, padding, dilation, groups);
    if (grad_shape.size() != 4 || grad_shape[0] != g.batch || grad_shape[1] != g.out_channels ||
        grad_shape[2] > g.out_h || grad_shape[3] > g.out_w || grad_shape[2] == 0 ||
        grad_shape[3] == 0)
        throw ShapeError(std::string(op) + ": the output gradient has shape " +
                         shape_str(grad_shape) + ", expected (" + std::to_string(g.batch) + ", " +
                         std::to_string(g.out_channels) + ", " + std::to_string(g.out_h) + ", " +
                         std::to_string(g.out_w) + ") for input " + shape_str(input_shape) +
                         " and weight " + shape_str(weight_shape));
    g.out_h = grad_shape[2];
    g.out_w = grad_shape[3];
    return g;
}

/// conv2d cut to `like`'s spatial size (smaller only after a transposed convolution's
/// output_padding reached past the stride).
Tensor conv2d_like(const Tensor& x, const Tensor& w, const Tensor& like, Pair2 stride,
                   Pair2 padding, Pair2 dilation, std::size_t groups) {
    Tensor y = conv2d(x, w, Tensor(), stride, padding, dilation, groups);
    if (y.shape()[2] != like.shape()[2]) y = slice(y, 2, 0, like.shape()[2]);
    if (y.shape()[3] != like.shape()[3]) y = slice(y, 3, 0, like.shape()[3]);
    return y;
}

/// conv2d with explicit, symmetric padding (the public conv2d resolves "same" to it).
Tensor conv2d_explicit(const std::string& op, const Tensor& input, const Tensor& weight,
                       const Tensor& bias, Pair2 stride, Pair2 padding, Pair2 dilation,
                       std::size_t groups) {
    const ConvGeometry g =
        geometry(op, input.shape(), weight.shape(), stride, padding, dilation, groups);
    if (bias.defined()) {
        if (bias.dim() != 1 || bias.shape()[0] != g.out_channels)
            throw ShapeError(op + ": expected a bias of shape (" + std::to_string(g.out_channels) +
                             ",), got " + shape_str(bias.shape()));
        check_same_dtype(op.c_str(), {input, weight, bias});
    } else {
        check_same_dtype(op.c_str(), {input, weight});
    }
    Array value = std::visit(
        [&](const auto& x) -> Array {
            using A = std::decay_t<decltype(x)>;
            using T = element_t<A>;
            const T* b = bias.defined() ? bias.value<T>().data() : nullptr;
            return detail::conv_forward(x.data(), std::get<A>(array_of(weight)).data(), b, g);
        },
        array_of(input));
    const std::vector<Tensor> inputs = bias.defined() ? std::vector<Tensor>{input, weight, bias}
                                                      : std::vector<Tensor>{input, weight};
    const Pair2 input_size{g.height, g.width}, kernel{g.kernel_h, g.kernel_w};
    return make_op("conv2d", std::move(value), inputs,
                   [=](const Tensor& grad, const Tensor&, const Inputs& in) {
                       Grads grads(in.size());
                       if (in[0].requires_grad())
                           grads[0] = conv2d_input_grad(grad, in[1], input_size, stride, padding,
                                                        dilation, groups);
                       if (in[1].requires_grad())
                           grads[1] = conv2d_weight_grad(in[0], grad, kernel, stride, padding,
                                                         dilation, groups);
                       if (in.size() == 3 && in[2].requires_grad()) {
                           const Shape& s = grad.shape();
                           grads[2] = detail::channel_sum(grad, {s[0], s[1], s[2] * s[3]});
                       }
                       return grads;
                   });
}

/// The explicit padding that "same" / "valid" / sizes stand for along one axis: (before, after).
std::pair<std::size_t, std::size_t> resolve(ConvPadding::Mode mode, std::size_t kernel,
                                            std::size_t dilation) {
    if (mode == ConvPadding::Mode::Valid) return {0, 0};
    const std::size_t total = dilation * (kernel - 1);
    return {total / 2, total - total / 2};
}

/// Padding before and after along the two spatial axes: {top, left, bottom, right}.
using Pads = std::array<std::size_t, 4>;

/// The explicit padding that `padding` stands for with this kernel and dilation.
Pads explicit_pads(const ConvPadding& padding, Pair2 kernel, Pair2 dilation) {
    if (padding.mode == ConvPadding::Mode::Explicit)
        return {padding.size.h, padding.size.w, padding.size.h, padding.size.w};
    const auto [top, bottom] = resolve(padding.mode, kernel.h, dilation.h);
    const auto [left, right] = resolve(padding.mode, kernel.w, dilation.w);
    return {top, left, bottom, right};
}

Tensor conv2d_named(const std::string& op, const Tensor& input, const Tensor& weight,
                    const Tensor& bias, Pair2 stride, ConvPadding padding, Pair2 dilation,
                    std::size_t groups) {
    if (padding.mode == ConvPadding::Mode::Same && (stride.h != 1 || stride.w != 1))
        throw ValueError(op + ": padding='same' needs stride 1, got stride " + pair_str(stride));
    if (input.dim() != 4 || weight.dim() != 4)  // reported with the shapes by geometry()
        return conv2d_explicit(op, input, weight, bias, stride, 0, dilation, groups);
    const auto [top, left, bottom, right] =
        explicit_pads(padding, {weight.shape()[2], weight.shape()[3]}, dilation);
    // An odd total (an even effective kernel) pads the extra row / column at the bottom / right
    // explicitly, as PyTorch does; the rest is the convolution's own symmetric padding.
    Tensor x = input;
    if (bottom != top || right != left)
        x = pad(input, {0, static_cast<std::int64_t>(right - left), 0,
                        static_cast<std::int64_t>(bottom - top)});
    return conv2d_explicit(op, x, weight, bias, stride, {top, left}, dilation, groups);
}

std::int64_t i64(std::size_t v) { return static_cast<std::int64_t>(v); }

/// Records a convolution for an exporter with ONNX Conv's attributes, per spatial axis.
void trace_conv(const Tensor& y, const Tensor& input, const Tensor& weight, const Tensor& bias,
                std::vector<std::int64_t> strides, std::vector<std::int64_t> pads,
                std::vector<std::int64_t> dilations, std::size_t groups) {
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "conv", {input, weight, bias},
                      {{"strides", std::move(strides)},
                       {"pads", std::move(pads)},
                       {"dilations", std::move(dilations)},
                       {"group", i64(groups)}});
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Pair2 stride,
              ConvPadding padding, Pair2 dilation, std::size_t groups) {
    Tensor y = conv2d_named("conv2d", input, weight, bias, stride, padding, dilation, groups);
    if (OpTrace::current()) {
        const Pads p = explicit_pads(padding, {weight.shape()[2], weight.shape()[3]}, dilation);
        trace_conv(y, input, weight, bias, {i64(stride.h), i64(stride.w)},
                   {i64(p[0]), i64(p[1]), i64(p[2]), i64(p[3])}, {i64(dilation.h), i64(dilation.w)},
                   groups);
    }
    return y;
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, std::size_t stride,
              ConvPadding padding, std::size_t dilation, std::size_t groups) {
    if (input.dim() != 3 || weight.dim() != 3)
        throw ShapeError(
            "conv1d: expected a 3-D input (N, C_in, L) and a 3-D weight (C_out, "
            "C_in / groups, k), got input " +
            shape_str(input.shape()) + " and weight " + shape_str(weight.shape()));
    if (padding.mode == ConvPadding::Mode::Explicit) padding.size = {0, padding.size.w};
    Tensor y = squeeze(conv2d_named("conv1d", unsqueeze(input, 2), unsqueeze(weight, 2), bias,
                                    {1, stride}, padding, {1, dilation}, groups),
                       2);
    if (OpTrace::current()) {
        const Pads p = explicit_pads(padding, {1, weight.shape()[2]}, {1, dilation});
        trace_conv(y, input, weight, bias, {i64(stride)}, {i64(p[1]), i64(p[3])}, {i64(dilation)},
                   groups);
    }
    return y;
}

Tensor conv2d_input_grad(const Tensor& grad_output, const Tensor& weight, Pair2 input_size,
                         Pair2 stride, Pair2 padding, Pair2 dilation, std::size_t groups) {
    const char* op = "conv2d_input_grad";
    if (grad_output.dim() != 4 || weight.dim() != 4)
        throw ShapeError(std::string(op) + ": expected a 4-D output gradient and weight, got " +
                         shape_str(grad_output.shape()) + " and " + shape_str(weight.shape()));
    check_same_dtype(op, {grad_output, weight});
    const Shape input_shape{grad_output.shape()[0], weight.shape()[1] * groups, input_size.h,
                            input_size.w};
    const ConvGeometry g = gradient_geometry(op, input_shape, weight.shape(), grad_output.shape(),
                                             stride, padding, dilation, groups);
    Array value = std::visit(
        [&](const auto& go) -> Array {
            using A = std::decay_t<decltype(go)>;
            return detail::conv_input_grad(go.data(), std::get<A>(array_of(weight)).data(), g);
        },
        array_of(grad_output));
    const Pair2 kernel{g.kernel_h, g.kernel_w};
    return make_op(
        op, std::move(value), {grad_output, weight},
        [=](const Tensor& u, const Tensor&, const Inputs& in) {
            Grads grads(2);
            if (in[0].requires_grad())
                grads[0] = conv2d_like(u, in[1], in[0], stride, padding, dilation, groups);
            if (in[1].requires_grad())
                grads[1] = conv2d_weight_grad(u, in[0], kernel, stride, padding, dilation, groups);
            return grads;
        });
}

Tensor conv2d_weight_grad(const Tensor& input, const Tensor& grad_output, Pair2 kernel_size,
                          Pair2 stride, Pair2 padding, Pair2 dilation, std::size_t groups) {
    const char* op = "conv2d_weight_grad";
    if (input.dim() != 4 || grad_output.dim() != 4)
        throw ShapeError(std::string(op) + ": expected a 4-D input and output gradient, got " +
                         shape_str(input.shape()) + " and " + shape_str(grad_output.shape()));
    check_same_dtype(op, {input, grad_output});
    if (groups == 0 || input.shape()[1] % groups != 0)
        throw ShapeError(std::string(op) + ": groups=" + std::to_string(groups) +
                         " does not divide the input's " + std::to_string(input.shape()[1]) +
                         " channels");
    const Shape weight_shape{grad_output.shape()[1], input.shape()[1] / groups, kernel_size.h,
                             kernel_size.w};
    const ConvGeometry g = gradient_geometry(op, input.shape(), weight_shape, grad_output.shape(),
                                             stride, padding, dilation, groups);
    Array value = std::visit(
        [&](const auto& x) -> Array {
            using A = std::decay_t<decltype(x)>;
            return detail::conv_weight_grad(x.data(), std::get<A>(array_of(grad_output)).data(), g);
        },
        array_of(input));
    const Pair2 input_size{g.height, g.width};
    return make_op(op, std::move(value), {input, grad_output},
                   [=](const Tensor& u, const Tensor&, const Inputs& in) {
                       Grads grads(2);
                       if (in[0].requires_grad())
                           grads[0] = conv2d_input_grad(in[1], u, input_size, stride, padding,
                                                        dilation, groups);
                       if (in[1].requires_grad())
                           grads[1] =
                               conv2d_like(in[0], u, in[1], stride, padding, dilation, groups);
                       return grads;
                   });
}

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias, Pair2 stride,
                        Pair2 padding, Pair2 output_padding, std::size_t groups, Pair2 dilation) {
    const std::string op = "conv_transpose2d";
    if (input.dim() != 4 || weight.dim() != 4)
        throw ShapeError(op +
                         ": expected a 4-D input (N, C_in, H, W) and a 4-D weight (C_in, "
                         "C_out / groups, kH, kW), got input " +
                         shape_str(input.shape()) + " and weight " + shape_str(weight.shape()));
    if (groups == 0 || weight.shape()[0] != input.shape()[1] || input.shape()[1] % groups != 0)
        throw ShapeError(op + ": the input has " + std::to_string(input.shape()[1]) +
                         " channels, the weight " + shape_str(weight.shape()) + " expects " +
                         std::to_string(weight.shape()[0]) +
                         " (divisible by groups=" + std::to_string(groups) + ")");
    if (!((output_padding.h < stride.h || output_padding.h < dilation.h) &&
          (output_padding.w < stride.w || output_padding.w < dilation.w)))
        throw ValueError(op + ": output_padding " + pair_str(output_padding) +
                         " must be smaller than the stride " + pair_str(stride) +
                         " or the dilation " + pair_str(dilation));
    const auto out_size = [&](std::size_t in, std::size_t s, std::size_t p, std::size_t d,
                              std::size_t k, std::size_t o) -> std::size_t {
        const std::size_t grown = (in - 1) * s + d * (k - 1) + o + 1;
        if (grown <= 2 * p)
            throw ShapeError(op + ": padding " + pair_str(padding) +
                             " leaves no output for input " + shape_str(input.shape()) +
                             " and weight " + shape_str(weight.shape()));
        return grown - 2 * p;
    };
    const Pair2 size{out_size(input.shape()[2], stride.h, padding.h, dilation.h, weight.shape()[2],
                              output_padding.h),
                     out_size(input.shape()[3], stride.w, padding.w, dilation.w, weight.shape()[3],
                              output_padding.w)};
    if (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[1] * groups))
        throw ShapeError(op + ": expected a bias of shape (" +
                         std::to_string(weight.shape()[1] * groups) + ",), got " +
                         shape_str(bias.shape()));
    // The transposed convolution of x is the input gradient of the convolution whose output
    // gradient is x; its weight (C_in, C_out / groups, ...) is that convolution's weight.
    Tensor y = conv2d_input_grad(input, weight, size, stride, padding, dilation, groups);
    if (bias.defined()) y = y + reshape(bias, {1, bias.shape()[0], 1, 1});
    if (OpTrace* trace = OpTrace::current())
        trace->record(
            y, "conv_transpose", {input, weight, bias},
            {{"strides", std::vector{i64(stride.h), i64(stride.w)}},
             {"pads", std::vector{i64(padding.h), i64(padding.w), i64(padding.h), i64(padding.w)}},
             {"output_padding", std::vector{i64(output_padding.h), i64(output_padding.w)}},
             {"dilations", std::vector{i64(dilation.h), i64(dilation.w)}},
             {"group", i64(groups)}});
    return y;
}

}  // namespace xgrad
