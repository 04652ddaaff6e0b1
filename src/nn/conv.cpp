#include "xgrad/nn/conv.hpp"

#include <cmath>

#include "nn/layer_error.hpp"
#include "xgrad/nn/init.hpp"

namespace xgrad::nn {

namespace {
/// PyTorch's reset_parameters of _ConvNd: kaiming_uniform_(a = sqrt(5)) and the bias from
/// U[-1/sqrt(fan_in), 1/sqrt(fan_in)].
void reset_conv(const Tensor& weight, const Tensor& bias, Generator& generator) {
    init::kaiming_uniform_(weight, std::sqrt(5.0), init::FanMode::FanIn,
                           init::Nonlinearity::LeakyReLU, generator);
    if (bias.defined()) {
        const double bound =
            1.0 / std::sqrt(static_cast<double>(init::fan_in_and_fan_out(weight).first));
        init::uniform_(bias, -bound, bound, generator);
    }
}

void check_channels(const char* layer, std::size_t in, std::size_t out, std::size_t groups) {
    if (in == 0 || out == 0 || groups == 0)
        throw ValueError(std::string(layer) + ": expected positive channels and groups, got " +
                         std::to_string(in) + ", " + std::to_string(out) +
                         ", groups=" + std::to_string(groups));
    if (in % groups != 0 || out % groups != 0)
        throw ValueError(std::string(layer) + ": groups=" + std::to_string(groups) +
                         " must divide in_channels=" + std::to_string(in) +
                         " and out_channels=" + std::to_string(out));
}

std::string pair(Pair2 p) { return detail::pair_str(p.h, p.w); }

std::string padding_str(const ConvPadding& p, bool one_d) {
    // torch prints the string settings unquoted: "padding=same".
    if (p.mode == ConvPadding::Mode::Same) return "same";
    if (p.mode == ConvPadding::Mode::Valid) return "valid";
    return one_d ? "(" + std::to_string(p.size.w) + ",)" : pair(p.size);
}

/// ShapeError unless `input` has `rank` axes and `channels` channels.
void check_input(const Tensor& input, std::size_t rank, std::size_t channels, const char* layout) {
    if (input.dim() != rank || input.shape()[1] != channels)
        throw ShapeError(std::string("expected an input of shape ") + layout + " with C = " +
                         std::to_string(channels) + ", got " + shape_str(input.shape()));
}
}  // namespace

Conv2d::Conv2d(const Conv2dOptions& options) : options_(options) {
    const std::size_t in_channels = options.in_channels(), out_channels = options.out_channels(),
                      groups = options.groups();
    const Pair2 kernel_size = options.kernel_size();
    const DType dtype = options.dtype();
    check_channels("Conv2d", in_channels, out_channels, groups);
    if (kernel_size.h == 0 || kernel_size.w == 0)
        throw ValueError("Conv2d: kernel_size must be positive");
    if (options.padding().mode == ConvPadding::Mode::Same && !(options.stride() == Pair2(1)))
        throw ValueError("Conv2d: padding='same' needs stride 1");
    weight_ = register_parameter(
        "weight", zeros({out_channels, in_channels / groups, kernel_size.h, kernel_size.w}, dtype));
    if (options.bias()) bias_ = register_parameter("bias", zeros({out_channels}, dtype));
    reset_parameters(options.generator());
}

void Conv2d::reset_parameters(Generator& generator) { reset_conv(weight_, bias_, generator); }

Tensor Conv2d::forward(const Tensor& input) {
    return detail::naming_layer(describe(), [&] {
        check_input(input, 4, options_.in_channels(), "(N, C, H, W)");
        return conv2d(input, weight_, bias_, options_.stride(), options_.padding(),
                      options_.dilation(), options_.groups());
    });
}

std::string Conv2d::describe() const {
    const Conv2dOptions& o = options_;
    std::string s = "Conv2d(" + std::to_string(o.in_channels()) + ", " +
                    std::to_string(o.out_channels()) + ", kernel_size=" + pair(o.kernel_size()) +
                    ", stride=" + pair(o.stride());
    if (!(o.padding().mode == ConvPadding::Mode::Explicit && o.padding().size == Pair2(0)))
        s += ", padding=" + padding_str(o.padding(), false);
    if (!(o.dilation() == Pair2(1))) s += ", dilation=" + pair(o.dilation());
    if (o.groups() != 1) s += ", groups=" + std::to_string(o.groups());
    if (!bias_.defined()) s += ", bias=False";
    return s + ")";
}

Conv1d::Conv1d(const Conv1dOptions& options) : options_(options) {
    const std::size_t in_channels = options.in_channels(), out_channels = options.out_channels(),
                      groups = options.groups(), kernel_size = options.kernel_size();
    const DType dtype = options.dtype();
    check_channels("Conv1d", in_channels, out_channels, groups);
    if (kernel_size == 0) throw ValueError("Conv1d: kernel_size must be positive");
    weight_ = register_parameter("weight",
                                 zeros({out_channels, in_channels / groups, kernel_size}, dtype));
    if (options.bias()) bias_ = register_parameter("bias", zeros({out_channels}, dtype));
    reset_parameters(options.generator());
}

void Conv1d::reset_parameters(Generator& generator) { reset_conv(weight_, bias_, generator); }

Tensor Conv1d::forward(const Tensor& input) {
    return detail::naming_layer(describe(), [&] {
        check_input(input, 3, options_.in_channels(), "(N, C, L)");
        return conv1d(input, weight_, bias_, options_.stride(), options_.padding(),
                      options_.dilation(), options_.groups());
    });
}

std::string Conv1d::describe() const {
    const Conv1dOptions& o = options_;
    std::string s = "Conv1d(" + std::to_string(o.in_channels()) + ", " +
                    std::to_string(o.out_channels()) + ", kernel_size=(" +
                    std::to_string(o.kernel_size()) + ",), stride=(" + std::to_string(o.stride()) +
                    ",)";
    if (!(o.padding().mode == ConvPadding::Mode::Explicit && o.padding().size.w == 0))
        s += ", padding=" + padding_str(o.padding(), true);
    if (o.dilation() != 1) s += ", dilation=(" + std::to_string(o.dilation()) + ",)";
    if (o.groups() != 1) s += ", groups=" + std::to_string(o.groups());
    if (!bias_.defined()) s += ", bias=False";
    return s + ")";
}

ConvTranspose2d::ConvTranspose2d(const ConvTranspose2dOptions& options) : options_(options) {
    const std::size_t in_channels = options.in_channels(), out_channels = options.out_channels(),
                      groups = options.groups();
    const Pair2 kernel_size = options.kernel_size();
    const DType dtype = options.dtype();
    check_channels("ConvTranspose2d", in_channels, out_channels, groups);
    if (kernel_size.h == 0 || kernel_size.w == 0)
        throw ValueError("ConvTranspose2d: kernel_size must be positive");
    weight_ = register_parameter(
        "weight", zeros({in_channels, out_channels / groups, kernel_size.h, kernel_size.w}, dtype));
    if (options.bias()) bias_ = register_parameter("bias", zeros({out_channels}, dtype));
    reset_parameters(options.generator());
}

void ConvTranspose2d::reset_parameters(Generator& generator) {
    reset_conv(weight_, bias_, generator);
}

Tensor ConvTranspose2d::forward(const Tensor& input) {
    return detail::naming_layer(describe(), [&] {
        check_input(input, 4, options_.in_channels(), "(N, C, H, W)");
        return conv_transpose2d(input, weight_, bias_, options_.stride(), options_.padding(),
                                options_.output_padding(), options_.groups(), options_.dilation());
    });
}

std::string ConvTranspose2d::describe() const {
    const ConvTranspose2dOptions& o = options_;
    std::string s = "ConvTranspose2d(" + std::to_string(o.in_channels()) + ", " +
                    std::to_string(o.out_channels()) + ", kernel_size=" + pair(o.kernel_size()) +
                    ", stride=" + pair(o.stride());
    if (!(o.padding() == Pair2(0))) s += ", padding=" + pair(o.padding());
    // torch's _ConvNd.extra_repr order: dilation before output_padding.
    if (!(o.dilation() == Pair2(1))) s += ", dilation=" + pair(o.dilation());
    if (!(o.output_padding() == Pair2(0))) s += ", output_padding=" + pair(o.output_padding());
    if (o.groups() != 1) s += ", groups=" + std::to_string(o.groups());
    if (!bias_.defined()) s += ", bias=False";
    return s + ")";
}

}  // namespace xgrad::nn
