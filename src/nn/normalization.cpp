#include "xgrad/nn/normalization.hpp"

#include "nn/layer_error.hpp"
#include "xgrad/autograd.hpp"
#include "xgrad/function.hpp"
#include "xgrad/ops/norm.hpp"

namespace xgrad::nn {
using detail::naming_layer;

BatchNorm::BatchNorm(const char* name, std::size_t num_features, double eps,
                     std::optional<double> momentum, bool affine, bool track_running_stats,
                     DType dtype)
    : name_(name),
      num_features_(num_features),
      eps_(eps),
      momentum_(momentum),
      affine_(affine),
      track_running_stats_(track_running_stats) {
    if (num_features == 0) throw ValueError(std::string(name) + ": num_features must be positive");
    if (affine) {
        weight_ = register_parameter("weight", ones({num_features}, dtype));
        bias_ = register_parameter("bias", zeros({num_features}, dtype));
    }
    if (track_running_stats) {
        running_mean_ = register_buffer("running_mean", zeros({num_features}, dtype));
        running_var_ = register_buffer("running_var", ones({num_features}, dtype));
        num_batches_tracked_ = register_buffer("num_batches_tracked", Tensor(0.0, dtype));
    }
}

void BatchNorm::reset_running_stats() {
    if (!track_running_stats_) return;
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
        if (!accepts(input.dim()) || input.shape()[1] != num_features_)
            throw ShapeError(std::string("expected an input of shape ") + layout() + " with C = " +
                             std::to_string(num_features_) + ", got " + shape_str(input.shape()));
        const bool update = is_training() && track_running_stats_;
        const double batches = update ? num_batches_tracked_.item() + 1.0 : 0.0;
        const double momentum = momentum_ ? *momentum_ : (update ? 1.0 / batches : 0.0);
        // Without running statistics, evaluation also normalizes by the batch's (PyTorch).
        const bool batch_stats = is_training() || !track_running_stats_;
        Tensor y = batch_norm(input, running_mean_, running_var_, weight_, bias_, batch_stats,
                              momentum, eps_);
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
    return std::string(name_) + "(" + std::to_string(num_features_) +
           ", eps=" + detail::number_str(eps_) +
           ", momentum=" + (momentum_ ? detail::number_str(*momentum_) : "None") +
           ", affine=" + detail::bool_str(affine_) +
           ", track_running_stats=" + detail::bool_str(track_running_stats_) + ")";
}

LayerNorm::LayerNorm(Shape normalized_shape, double eps, bool elementwise_affine, DType dtype)
    : normalized_shape_(std::move(normalized_shape)), eps_(eps) {
    if (normalized_shape_.empty())
        throw ValueError("LayerNorm: normalized_shape must have at least one axis");
    if (elementwise_affine) {
        weight_ = register_parameter("weight", ones(normalized_shape_, dtype));
        bias_ = register_parameter("bias", zeros(normalized_shape_, dtype));
    }
}

Tensor LayerNorm::forward(const Tensor& input) {
    return naming_layer(describe(),
                        [&] { return layer_norm(input, normalized_shape_, weight_, bias_, eps_); });
}

std::string LayerNorm::describe() const {
    return "LayerNorm(" + shape_str(normalized_shape_) + ", eps=" + detail::number_str(eps_) +
           ", elementwise_affine=" + detail::bool_str(weight_.defined()) + ")";
}

GroupNorm::GroupNorm(std::size_t num_groups, std::size_t num_channels, double eps, bool affine,
                     DType dtype)
    : num_groups_(num_groups), num_channels_(num_channels), eps_(eps) {
    if (num_groups == 0 || num_channels % num_groups != 0)
        throw ValueError("GroupNorm: num_groups=" + std::to_string(num_groups) +
                         " must divide num_channels=" + std::to_string(num_channels));
    if (affine) {
        weight_ = register_parameter("weight", ones({num_channels}, dtype));
        bias_ = register_parameter("bias", zeros({num_channels}, dtype));
    }
}

Tensor GroupNorm::forward(const Tensor& input) {
    return naming_layer(describe(), [&] {
        if (input.dim() < 2 || input.shape()[1] != num_channels_)
            throw ShapeError("expected an input of shape (N, " + std::to_string(num_channels_) +
                             ", *), got " + shape_str(input.shape()));
        return group_norm(input, num_groups_, weight_, bias_, eps_);
    });
}

std::string GroupNorm::describe() const {
    return "GroupNorm(" + std::to_string(num_groups_) + ", " + std::to_string(num_channels_) +
           ", eps=" + detail::number_str(eps_) + ", affine=" + detail::bool_str(weight_.defined()) +
           ")";
}

}  // namespace xgrad::nn
