#pragma once
/// \file activation.hpp
/// Softmax and log-softmax, computed stably (shifted by the maximum).

#include "xgrad/tensor.hpp"

namespace xgrad {

/// exp(x) / Σ exp(x) along `axis`.
Tensor softmax(const Tensor& x, std::ptrdiff_t axis = -1);
/// x - log Σ exp(x) along `axis`; finite for any finite x.
Tensor log_softmax(const Tensor& x, std::ptrdiff_t axis = -1);

}  // namespace xgrad
