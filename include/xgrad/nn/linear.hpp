#pragma once
/// \file linear.hpp
/// The fully connected layer y = x W^T + b, with PyTorch's layout and default initialisation.

#include <cstddef>

#include "xgrad/nn/module.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// y = x W^T + b. `weight` has shape (out_features, in_features) and `bias` (out_features,), as in
/// torch.nn.Linear, and they are initialised the same way: W by kaiming_uniform_ with
/// a = sqrt(5) and b from U[-1/sqrt(in), 1/sqrt(in)] (both bounds are 1/sqrt(in_features)).
class Linear : public Module {
public:
    /// A layer from `in_features` to `out_features`, with a bias unless `bias` is false, holding
    /// `dtype` values drawn from `generator`.
    Linear(std::size_t in_features, std::size_t out_features, bool bias = true,
           DType dtype = DType::Float32, Generator& generator = default_generator());

    /// `input` of shape (in,), (n, in) or (b, n, in) gives (out,), (n, out) or (b, n, out).
    /// ShapeError if the last axis is not in_features.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

    /// Re-draws weight and bias as the constructor does.
    void reset_parameters(Generator& generator = default_generator());

    const Tensor& weight() const { return weight_; }
    /// Undefined when the layer has no bias.
    const Tensor& bias() const { return bias_; }
    std::size_t in_features() const { return in_features_; }
    std::size_t out_features() const { return out_features_; }

private:
    std::size_t in_features_;
    std::size_t out_features_;
    Tensor weight_;
    Tensor bias_;
};

}  // namespace xgrad::nn
