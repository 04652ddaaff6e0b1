#pragma once
/// \file normalization.hpp
/// Normalization layers, as torch.nn: BatchNorm1d, BatchNorm2d, LayerNorm and GroupNorm, with
/// PyTorch's parameter and buffer names (weight, bias, running_mean, running_var,
/// num_batches_tracked) and initial values (weight 1, bias 0, running mean 0, running var 1).

#include <cstddef>
#include <optional>

#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// torch.nn.BatchNorm1d's and BatchNorm2d's arguments:
/// `nn::BatchNorm2dOptions(32).eps(1e-3).momentum(0.01)`.
class BatchNormOptions {
public:
    BatchNormOptions(std::size_t num_features)  // NOLINT: implicit, as torch's
        : num_features_(num_features) {}
    XGRAD_ARG(std::size_t, num_features);
    XGRAD_ARG(double, eps) = 1e-5;
    /// The weight of a batch's statistics in the running ones; std::nullopt for the cumulative
    /// average (torch's momentum=None).
    XGRAD_ARG(std::optional<double>, momentum) = 0.1;
    /// Whether the layer has a learnable weight and bias.
    XGRAD_ARG(bool, affine) = true;
    /// Whether the layer keeps running statistics.
    XGRAD_ARG(bool, track_running_stats) = true;
    XGRAD_ARG(DType, dtype) = DType::Float32;
};
/// As libtorch names them.
using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;

/// Batch normalization per channel (see xgrad::batch_norm). In training mode the batch's
/// statistics normalize and update the running ones (and num_batches_tracked counts the
/// batches); in evaluation mode the running statistics normalize. momentum unset means the
/// cumulative average (momentum 1 / num_batches_tracked), as PyTorch's momentum=None.
class BatchNorm : public Module {
public:
    /// ShapeError naming the layer unless the input has the layer's rank and num_features
    /// channels; a failing call changes no statistic.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    const Tensor& weight() const { return weight_; }
    const Tensor& bias() const { return bias_; }
    const Tensor& running_mean() const { return running_mean_; }
    const Tensor& running_var() const { return running_var_; }
    /// The number of training batches seen (a 0-d tensor, as PyTorch's int64 buffer).
    const Tensor& num_batches_tracked() const { return num_batches_tracked_; }
    /// Running mean 0, running var 1, no batches counted.
    void reset_running_stats();
    /// The weight of a batch's statistics in the running ones; unset is the cumulative average.
    std::optional<double> momentum() const { return options_.momentum(); }
    /// PyTorch's `bn.momentum = m` (update_bn sets None for the cumulative average).
    void set_momentum(std::optional<double> momentum) { options_.momentum(momentum); }
    /// Whether the layer keeps running statistics (false: it always normalizes by the batch's).
    bool track_running_stats() const { return options_.track_running_stats(); }
    /// The arguments the layer was built with (and its current momentum).
    const BatchNormOptions& options() const { return options_; }

protected:
    /// `name` is the torch class name, for describe() and errors.
    BatchNorm(const char* name, const BatchNormOptions& options);
    /// Whether an input of this rank is accepted, and the layout for the error message.
    virtual bool accepts(std::size_t rank) const = 0;
    virtual const char* layout() const = 0;

private:
    const char* name_;
    BatchNormOptions options_;
    Tensor weight_, bias_, running_mean_, running_var_, num_batches_tracked_;
};

/// Batch normalization of (N, C) or (N, C, L) inputs.
class BatchNorm1d : public BatchNorm {
public:
    explicit BatchNorm1d(const BatchNorm1dOptions& options) : BatchNorm("BatchNorm1d", options) {}
    explicit BatchNorm1d(std::size_t num_features, double eps = 1e-5)
        : BatchNorm1d(BatchNorm1dOptions(num_features).eps(eps)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::BatchNorm1d(nn::BatchNorm1dOptions(n).eps(e).momentum(m))")
    BatchNorm1d(std::size_t num_features, double eps, std::optional<double> momentum,
                bool affine = true, bool track_running_stats = true, DType dtype = DType::Float32)
        : BatchNorm1d(BatchNorm1dOptions(num_features)
                          .eps(eps)
                          .momentum(momentum)
                          .affine(affine)
                          .track_running_stats(track_running_stats)
                          .dtype(dtype)) {}

protected:
    bool accepts(std::size_t rank) const override { return rank == 2 || rank == 3; }
    const char* layout() const override { return "(N, C) or (N, C, L)"; }
};

/// Batch normalization of (N, C, H, W) inputs.
class BatchNorm2d : public BatchNorm {
public:
    explicit BatchNorm2d(const BatchNorm2dOptions& options) : BatchNorm("BatchNorm2d", options) {}
    explicit BatchNorm2d(std::size_t num_features, double eps = 1e-5)
        : BatchNorm2d(BatchNorm2dOptions(num_features).eps(eps)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::BatchNorm2d(nn::BatchNorm2dOptions(n).eps(e).momentum(m))")
    BatchNorm2d(std::size_t num_features, double eps, std::optional<double> momentum,
                bool affine = true, bool track_running_stats = true, DType dtype = DType::Float32)
        : BatchNorm2d(BatchNorm2dOptions(num_features)
                          .eps(eps)
                          .momentum(momentum)
                          .affine(affine)
                          .track_running_stats(track_running_stats)
                          .dtype(dtype)) {}

protected:
    bool accepts(std::size_t rank) const override { return rank == 4; }
    const char* layout() const override { return "(N, C, H, W)"; }
};

/// torch.nn.LayerNorm's arguments: `nn::LayerNormOptions({64}).eps(1e-6)`.
class LayerNormOptions {
public:
    LayerNormOptions(Shape normalized_shape)  // NOLINT: implicit, as torch's
        : normalized_shape_(std::move(normalized_shape)) {}
    XGRAD_ARG(Shape, normalized_shape);
    XGRAD_ARG(double, eps) = 1e-5;
    /// Whether the layer has a learnable weight and bias.
    XGRAD_ARG(bool, elementwise_affine) = true;
    XGRAD_ARG(DType, dtype) = DType::Float32;
};

/// Layer normalization over the trailing axes normalized_shape (see xgrad::layer_norm); weight
/// and bias of shape normalized_shape when elementwise_affine.
class LayerNorm : public Module {
public:
    /// ValueError for an empty normalized_shape.
    explicit LayerNorm(const LayerNormOptions& options);
    explicit LayerNorm(Shape normalized_shape, double eps = 1e-5)
        : LayerNorm(LayerNormOptions(std::move(normalized_shape)).eps(eps)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::LayerNorm(nn::LayerNormOptions(shape).eps(e))")
    LayerNorm(Shape normalized_shape, double eps, bool elementwise_affine,
              DType dtype = DType::Float32)
        : LayerNorm(LayerNormOptions(std::move(normalized_shape))
                        .eps(eps)
                        .elementwise_affine(elementwise_affine)
                        .dtype(dtype)) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    const Tensor& weight() const { return weight_; }
    const Tensor& bias() const { return bias_; }
    /// The arguments the layer was built with.
    const LayerNormOptions& options() const { return options_; }

private:
    LayerNormOptions options_;
    Tensor weight_, bias_;
};

/// torch.nn.GroupNorm's arguments: `nn::GroupNormOptions(4, 32).eps(1e-6).affine(false)`.
class GroupNormOptions {
public:
    GroupNormOptions(std::size_t num_groups, std::size_t num_channels)
        : num_groups_(num_groups), num_channels_(num_channels) {}
    XGRAD_ARG(std::size_t, num_groups);
    XGRAD_ARG(std::size_t, num_channels);
    XGRAD_ARG(double, eps) = 1e-5;
    /// Whether the layer has a learnable weight and bias.
    XGRAD_ARG(bool, affine) = true;
    XGRAD_ARG(DType, dtype) = DType::Float32;
};

/// Group normalization (see xgrad::group_norm); weight and bias of shape (num_channels,) when
/// affine. ValueError unless num_groups divides num_channels.
class GroupNorm : public Module {
public:
    explicit GroupNorm(const GroupNormOptions& options);
    GroupNorm(std::size_t num_groups, std::size_t num_channels, double eps = 1e-5)
        : GroupNorm(GroupNormOptions(num_groups, num_channels).eps(eps)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::GroupNorm(nn::GroupNormOptions(groups, channels).eps(e))")
    GroupNorm(std::size_t num_groups, std::size_t num_channels, double eps, bool affine,
              DType dtype = DType::Float32)
        : GroupNorm(
              GroupNormOptions(num_groups, num_channels).eps(eps).affine(affine).dtype(dtype)) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    const Tensor& weight() const { return weight_; }
    const Tensor& bias() const { return bias_; }
    /// The arguments the layer was built with.
    const GroupNormOptions& options() const { return options_; }

private:
    GroupNormOptions options_;
    Tensor weight_, bias_;
};

}  // namespace xgrad::nn
