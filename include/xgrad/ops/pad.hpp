#pragma once
/// \file pad.hpp
/// Padding of the trailing axes, as torch.nn.functional.pad.

#include <cstdint>
#include <string>
#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad {

/// How pad() fills the new elements.
enum class PadMode {
    /// A constant value (negative sizes crop).
    Constant,
    /// The mirror image without the edge: (a b c) padded by 2 on the left is (c b a b c).
    Reflect,
    /// Copies of the edge element.
    Replicate,
};

/// Pads the last pads.size() / 2 axes of `x`: pads = {left, right} of the last axis, then
/// {top, bottom} of the one before, and so on (PyTorch's order). Reflect needs every size
/// smaller than its axis; Replicate needs a non-empty axis; both need sizes >= 0. The gradient
/// sums the gradient of every copy back into its source element.
Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads, PadMode mode = PadMode::Constant,
           double value = 0.0);

/// The same, with the mode named as in PyTorch: "constant", "reflect" or "replicate".
Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads, const std::string& mode,
           double value = 0.0);

}  // namespace xgrad
