#pragma once
/// \file elementwise.hpp
/// Elementwise ops. Binary ops broadcast their inputs by NumPy's rules; both inputs must have the
/// same dtype (a DTypeError otherwise). Each op's gradient is in its source file beside its
/// forward; gradients flowing to a broadcast input are summed back to its shape by the engine.

#include <optional>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// a + b, a - b, a * b, a / b with broadcasting.
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
/// With a scalar on either side (the scalar takes the tensor's dtype).
Tensor add(const Tensor& a, double b);
Tensor sub(const Tensor& a, double b);
Tensor sub(double a, const Tensor& b);
Tensor mul(const Tensor& a, double b);
Tensor div(const Tensor& a, double b);
Tensor div(double a, const Tensor& b);
Tensor neg(const Tensor& x);

/// x^p for a scalar exponent; d/dx = p x^(p-1).
Tensor pow(const Tensor& x, double exponent);
/// a^b elementwise with broadcasting; d/da = b a^(b-1), d/db = a^b log(a).
Tensor pow(const Tensor& a, const Tensor& b);
/// base^x for a scalar base, as torch.pow(base, x); d/dx = base^x log(base) (for base 0, as in
/// torch: 0 where x >= 0 and -inf where x < 0).
Tensor pow(double base, const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
/// |x|; the gradient at 0 is 0, as in PyTorch.
Tensor abs(const Tensor& x);

/// 1 / (1 + e^-x), computed without overflow for large |x|.
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
/// max(x, 0); the gradient at 0 is 0.
Tensor relu(const Tensor& x);
/// x for x > 0, slope * x otherwise.
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
/// log(1 + e^x), stable for large |x|.
Tensor softplus(const Tensor& x);
/// torch's softplus(x, beta, threshold): log(1 + e^(beta x)) / beta, and x itself where
/// beta x > threshold (the gradient there is 1); elsewhere d/dx = σ(beta x).
Tensor softplus(const Tensor& x, double beta, double threshold = 20.0);
/// log σ(x) = -softplus(-x), stable for large |x| (no log(0)).
Tensor log_sigmoid(const Tensor& x);
/// x limited to [min, max], either bound optional as in torch.clamp (`clamp(x,
/// std::nullopt, 1.0)`); the gradient is 1 inside (bounds included) and 0 outside. min > max
/// gives max everywhere with a zero gradient, as torch. A ValueError when both are missing.
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max);
/// clamp(x, min, std::nullopt) and clamp(x, std::nullopt, max).
Tensor clamp_min(const Tensor& x, double min);
Tensor clamp_max(const Tensor& x, double max);
/// Elementwise max / min with broadcasting; at ties the gradient is split evenly.
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
/// a where `condition` is non-zero, b elsewhere (all three broadcast together). No gradient
/// flows to the condition.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);

/// Comparisons giving 1 where true and 0 where false, in the dtype of `a`; not differentiable.
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
/// -1, 0 or 1; not differentiable.
Tensor sign(const Tensor& x);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(const Tensor& a, double b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(const Tensor& a, double b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(const Tensor& a, double b);
Tensor operator/(double a, const Tensor& b);

}  // namespace xgrad
