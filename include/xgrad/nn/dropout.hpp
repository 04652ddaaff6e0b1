#pragma once
/// \file dropout.hpp
/// Dropout: random zeroing of activations during training.

#include "xgrad/nn/layer_options.hpp"
#include "xgrad/nn/module.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// torch.nn.Dropout's and Dropout2d's arguments: `nn::DropoutOptions(0.1).generator(g)`.
class DropoutOptions {
public:
    DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT: implicit, as torch's
    /// The probability of zeroing an element (a channel for Dropout2d).
    XGRAD_ARG(double, p);
    /// Where the masks are drawn from; the generator must outlive the module.
    XGRAD_ARG(GeneratorRef, generator);
};
/// As libtorch names it.
using Dropout2dOptions = DropoutOptions;

/// In training mode, zeroes each element with probability p and scales the others by 1 / (1 - p)
/// (inverted dropout, so evaluation needs no rescaling); in evaluation mode, the identity. The
/// mask is drawn from the default generator, or from the one given, so runs are reproducible.
class Dropout : public Module {
public:
    /// ValueError unless 0 <= p <= 1.
    explicit Dropout(const DropoutOptions& options);
    explicit Dropout(double p = 0.5) : Dropout(DropoutOptions(p)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::Dropout(nn::DropoutOptions(p).generator(g))")
    Dropout(double p, Generator& generator) : Dropout(DropoutOptions(p).generator(generator)) {}

    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    double p() const { return options_.p(); }
    /// The arguments the layer was built with.
    const DropoutOptions& options() const { return options_; }

private:
    DropoutOptions options_;
};

/// Channel dropout, as torch.nn.Dropout2d: in training mode each channel of an (N, C, H, W) or
/// (C, H, W) input is zeroed entirely with probability p and the others are scaled by
/// 1 / (1 - p); in evaluation mode, the identity.
class Dropout2d : public Module {
public:
    /// ValueError unless 0 <= p <= 1.
    explicit Dropout2d(const Dropout2dOptions& options);
    explicit Dropout2d(double p = 0.5) : Dropout2d(Dropout2dOptions(p)) {}
    XGRAD_DEPRECATED_LAYER_ARGS("nn::Dropout2d(nn::Dropout2dOptions(p).generator(g))")
    Dropout2d(double p, Generator& generator)
        : Dropout2d(Dropout2dOptions(p).generator(generator)) {}

    /// ShapeError unless the input is 3-D or 4-D.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    double p() const { return options_.p(); }
    /// The arguments the layer was built with.
    const DropoutOptions& options() const { return options_; }

private:
    DropoutOptions options_;
};

}  // namespace xgrad::nn
