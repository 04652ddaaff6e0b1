#include "xgrad/nn/normalization.hpp"

#include "nn/layer_error.hpp"
#include "xgrad/autograd.hpp"
#include "xgrad/function.hpp"
#include "xgrad/ops/norm.hpp"

namespace xgrad::nn {
using detail::naming_layer;

BatchNorm::BatchNorm(const char* name, const BatchNormOptions& options)
    : name_(name), options_(options) {
    const std::size_t num_features = options.num_features();
    const DType dtype = options.dtype();
    if (num_features == 0) throw ValueError(std::string(name) + ": num_features must be positive");
    if (options.affine()) {
        weight_ = register_parameter("weight", ones({num_features}, dtype));
        bias_ = register_parameter("bias", zeros({num_features}, dtype));
    }
    if (options.track_running_stats()) {
        running_mean_ = register_buffer("running_mean", zeros({num_features}, dtype));
        running_var_ = register_buffer("running_var", ones({num_features}, dtype));
        num_batches_tracked_ = register_buffer("num_batches_tracked", Tensor(0.0, dtype));
    }
}

void BatchNorm::reset_running_stats() {
    if (!options_.track_running_stats()) return;
    NoGradGuard no_grad;
    const auto fill = [](const Tensor& t, double v) {
        std::visit(
            [&](auto& a) {
                a.fill(static_cast<typename std::decay_t<decltype(a)>::value_type>(v));
            },
            t.node()->value);
    };
    fill(running_mean_, 0.0);
    fill(running_var_, 1.0);
    fill(num_batches_tracked_, 0.0);
}

Tensor BatchNorm::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        if (!accepts(input.dim()) || input.shape()[1] != options_.num_features())
            throw ShapeError(std::string("expected an input of shape ") + layout() +
                             " with C = " + std::to_string(options_.num_features()) + ", got " +
                             shape_str(input.shape()));
        const bool update = is_training() && options_.track_running_stats();
        const double batches = update ? num_batches_tracked_.item() + 1.0 : 0.0;
        const double momentum =
            options_.momentum() ? *options_.momentum() : (update ? 1.0 / batches : 0.0);
        // Without running statistics, evaluation also normalizes by the batch's (PyTorch).
        const bool batch_stats = is_training() || !options_.track_running_stats();
        Tensor y = batch_norm(input, running_mean_, running_var_, weight_, bias_, batch_stats,
                              momentum, options_.eps());
        if (update)  // counted only once the batch went through
            std::visit(
                [&](auto& a) {
                    a.data()[0] = static_cast<std::decay_t<decltype(a.data()[0])>>(batches);
                },
                num_batches_tracked_.node()->value);
        return y;
    });
}

std::string BatchNorm::describe() const {
    return std::string(name_) + "(" + std::to_string(options_.num_features()) +
           ", eps=" + detail::number_str(options_.eps()) + ", momentum=" +
           (options_.momentum() ? detail::number_str(*options_.momentum()) : "None") +
           ", affine=" + detail::bool_str(options_.affine()) +
           ", track_running_stats=" + detail::bool_str(options_.track_running_stats()) + ")";
}

LayerNorm::LayerNorm(const LayerNormOptions& options) : options_(options) {
    const Shape& shape = options.normalized_shape();
    if (shape.empty()) throw ValueError("LayerNorm: normalized_shape must have at least one axis");
    if (options.elementwise_affine()) {
        weight_ = register_parameter("weight", ones(shape, options.dtype()));
        bias_ = register_parameter("bias", zeros(shape, options.dtype()));
    }
}

Tensor LayerNorm::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        return layer_norm(input, options_.normalized_shape(), weight_, bias_, options_.eps());
    });
}

std::string LayerNorm::describe() const {
    return "LayerNorm(" + shape_str(options_.normalized_shape()) +
           ", eps=" + detail::number_str(options_.eps()) +
           ", elementwise_affine=" + detail::bool_str(weight_.defined()) + ")";
}

GroupNorm::GroupNorm(const GroupNormOptions& options) : options_(options) {
    const std::size_t num_groups = options.num_groups(), num_channels = options.num_channels();
    const DType dtype = options.dtype();
    if (num_groups == 0 || num_channels % num_groups != 0)
        throw ValueError("GroupNorm: num_groups=" + std::to_string(num_groups) +
                         " must divide num_channels=" + std::to_string(num_channels));
    if (options.affine()) {
        weight_ = register_parameter("weight", ones({num_channels}, dtype));
        bias_ = register_parameter("bias", zeros({num_channels}, dtype));
    }
}

Tensor GroupNorm::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        if (input.dim() < 2 || input.shape()[1] != options_.num_channels())
            throw ShapeError("expected an input of shape (N, " +
                             std::to_string(options_.num_channels()) + ", *), got " +
                             shape_str(input.shape()));
        return group_norm(input, options_.num_groups(), weight_, bias_, options_.eps());
    });
}

std::string GroupNorm::describe() const {
    return "GroupNorm(" + std::to_string(options_.num_groups()) + ", " +
           std::to_string(options_.num_channels()) + ", eps=" + detail::number_str(options_.eps()) +
           ", affine=" + detail::bool_str(weight_.defined()) + ")";
}

}  // namespace xgrad::nn
