#pragma once
/// \file dropout.hpp
/// Dropout: random zeroing of activations during training.

#include "xgrad/nn/module.hpp"
#include "xgrad/random.hpp"

namespace xgrad::nn {

/// In training mode, zeroes each element with probability p and scales the others by 1 / (1 - p)
/// (inverted dropout, so evaluation needs no rescaling); in evaluation mode, the identity. The
/// mask is drawn from the default generator, or from the one given, so runs are reproducible.
class Dropout : public Module {
public:
    /// ValueError unless 0 <= p <= 1.
    explicit Dropout(double p = 0.5);
    /// Draws masks from `generator`, which must outlive the module.
    Dropout(double p, Generator& generator);

    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    double p() const { return p_; }

private:
    double p_;
    Generator* generator_ = nullptr;
};

/// Channel dropout, as torch.nn.Dropout2d: in training mode each channel of an (N, C, H, W) or
/// (C, H, W) input is zeroed entirely with probability p and the others are scaled by
/// 1 / (1 - p); in evaluation mode, the identity.
class Dropout2d : public Module {
public:
    /// ValueError unless 0 <= p <= 1.
    explicit Dropout2d(double p = 0.5);
    /// Draws masks from `generator`, which must outlive the module.
    Dropout2d(double p, Generator& generator);

    /// ShapeError unless the input is 3-D or 4-D.
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    double p() const { return p_; }

private:
    double p_;
    Generator* generator_ = nullptr;
};

}  // namespace xgrad::nn
