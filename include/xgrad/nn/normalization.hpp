#pragma once
/// \file normalization.hpp
/// Normalization layers, as torch.nn: BatchNorm1d, BatchNorm2d, LayerNorm and GroupNorm, with
/// PyTorch's parameter and buffer names (weight, bias, running_mean, running_var,
/// num_batches_tracked) and initial values (weight 1, bias 0, running mean 0, running var 1).

#include <cstddef>
#include <optional>

#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

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
    std::optional<double> momentum() const { return momentum_; }
    /// PyTorch's `bn.momentum = m` (update_bn sets None for the cumulative average).
    void set_momentum(std::optional<double> momentum) { momentum_ = momentum; }
    /// Whether the layer keeps running statistics (false: it always normalizes by the batch's).
    bool track_running_stats() const { return track_running_stats_; }

protected:
    BatchNorm(const char* name, std::size_t num_features, double eps,
              std::optional<double> momentum, bool affine, bool track_running_stats, DType dtype);
    /// Whether an input of this rank is accepted, and the layout for the error message.
    virtual bool accepts(std::size_t rank) const = 0;
    virtual const char* layout() const = 0;

private:
    const char* name_;
    std::size_t num_features_;
    double eps_;
    std::optional<double> momentum_;
    bool affine_, track_running_stats_;
    Tensor weight_, bias_, running_mean_, running_var_, num_batches_tracked_;
};

/// Batch normalization of (N, C) or (N, C, L) inputs.
class BatchNorm1d : public BatchNorm {
public:
    explicit BatchNorm1d(std::size_t num_features, double eps = 1e-5,
                         std::optional<double> momentum = 0.1, bool affine = true,
                         bool track_running_stats = true, DType dtype = DType::Float32)
        : BatchNorm("BatchNorm1d", num_features, eps, momentum, affine, track_running_stats,
                    dtype) {}

protected:
    bool accepts(std::size_t rank) const override { return rank == 2 || rank == 3; }
    const char* layout() const override { return "(N, C) or (N, C, L)"; }
};

/// Batch normalization of (N, C, H, W) inputs.
class BatchNorm2d : public BatchNorm {
public:
    explicit BatchNorm2d(std::size_t num_features, double eps = 1e-5,
                         std::optional<double> momentum = 0.1, bool affine = true,
                         bool track_running_stats = true, DType dtype = DType::Float32)
        : BatchNorm("BatchNorm2d", num_features, eps, momentum, affine, track_running_stats,
                    dtype) {}

protected:
    bool accepts(std::size_t rank) const override { return rank == 4; }
    const char* layout() const override { return "(N, C, H, W)"; }
};

/// Layer normalization over the trailing axes normalized_shape (see xgrad::layer_norm); weight
/// and bias of shape normalized_shape when elementwise_affine.
class LayerNorm : public Module {
public:
    explicit LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true,
                       DType dtype = DType::Float32);
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    const Tensor& weight() const { return weight_; }
    const Tensor& bias() const { return bias_; }

private:
    Shape normalized_shape_;
    double eps_;
    Tensor weight_, bias_;
};

/// Group normalization (see xgrad::group_norm); weight and bias of shape (num_channels,) when
/// affine. ValueError unless num_groups divides num_channels.
class GroupNorm : public Module {
public:
    GroupNorm(std::size_t num_groups, std::size_t num_channels, double eps = 1e-5,
              bool affine = true, DType dtype = DType::Float32);
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    const Tensor& weight() const { return weight_; }
    const Tensor& bias() const { return bias_; }

private:
    std::size_t num_groups_, num_channels_;
    double eps_;
    Tensor weight_, bias_;
};

}  // namespace xgrad::nn
