#pragma once
/// \file linear.hpp
/// The fully connected layer y = x W^T + b, with PyTorch's layout and default initialisation.

#include <cstddef>

#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// torch.nn.Linear's arguments: `nn::LinearOptions(784, 256).bias(false)`.
class LinearOptions {
public:
    LinearOptions(std::size_t in_features, std::size_t out_features)
        : in_features_(in_features), out_features_(out_features) {}
    XGRAD_ARG(std::size_t, in_features);
    XGRAD_ARG(std::size_t, out_features);
    /// Whether the layer adds a learnable bias.
    XGRAD_ARG(bool, bias) = true;
    /// The dtype of weight and bias.
    XGRAD_ARG(DType, dtype) = DType::Float32;
    /// Where the initial weight and bias are drawn from.
    XGRAD_ARG(GeneratorRef, generator);
};

/// y = x W^T + b. `weight` has shape (out_features, in_features) and `bias` (out_features,), as in
/// torch.nn.Linear, and they are initialised the same way: W by kaiming_uniform_ with
/// a = sqrt(5) and b from U[-1/sqrt(in), 1/sqrt(in)] (both bounds are 1/sqrt(in_features)).
class Linear : public Module {
public:
    /// ValueError for zero sizes.
    explicit Linear(const LinearOptions& options);
    /// A layer from `in_features` to `out_features`, with a bias unless `bias` is false.
    Linear(std::size_t in_features, std::size_t out_features, bool bias = true)
        : Linear(LinearOptions(in_features, out_features).bias(bias)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::Linear(nn::LinearOptions(in, out).bias(b).dtype(d))")
    Linear(std::size_t in_features, std::size_t out_features, bool bias, DType dtype,
           Generator& generator = default_generator())
        : Linear(LinearOptions(in_features, out_features)
                     .bias(bias)
                     .dtype(dtype)
                     .generator(generator)) {}

    /// `input` of shape (in,), (n, in) or (b, n, in) gives (out,), (n, out) or (b, n, out).
    /// ShapeError if the last axis is not in_features.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;

    /// Re-draws weight and bias as the constructor does.
    void reset_parameters(Generator& generator = default_generator());

    const Tensor& weight() const { return weight_; }
    /// Undefined when the layer has no bias.
    const Tensor& bias() const { return bias_; }
    std::size_t in_features() const { return options_.in_features(); }
    std::size_t out_features() const { return options_.out_features(); }
    /// The arguments the layer was built with.
    const LinearOptions& options() const { return options_; }

private:
    LinearOptions options_;
    Tensor weight_;
    Tensor bias_;
};

}  // namespace xgrad::nn
