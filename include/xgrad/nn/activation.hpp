#pragma once
/// \file activation.hpp
/// Elementwise activation functions as modules, for use in Sequential. Each has no parameters and
/// applies the op of the same name from ops/elementwise.hpp.

#include "xgrad/nn/module.hpp"

namespace xgrad::nn {

/// max(x, 0).
class ReLU : public Module {
public:
    Tensor forward(const Tensor& input) override;
    std::string describe() const override { return "ReLU()"; }
};

/// x for x > 0, negative_slope * x otherwise.
class LeakyReLU : public Module {
public:
    explicit LeakyReLU(double negative_slope = 0.01) : negative_slope_(negative_slope) {}
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    double negative_slope() const { return negative_slope_; }

private:
    double negative_slope_;
};

/// tanh(x).
class Tanh : public Module {
public:
    Tensor forward(const Tensor& input) override;
    std::string describe() const override { return "Tanh()"; }
};

/// 1 / (1 + e^-x).
class Sigmoid : public Module {
public:
    Tensor forward(const Tensor& input) override;
    std::string describe() const override { return "Sigmoid()"; }
};

/// log(1 + e^(beta x)) / beta, a smooth ReLU; stable for large |x|.
class Softplus : public Module {
public:
    /// ValueError unless beta > 0.
    explicit Softplus(double beta = 1.0);
    Tensor forward(const Tensor& input) override;
    std::string describe() const override;
    double beta() const { return beta_; }

private:
    double beta_;
};

}  // namespace xgrad::nn
