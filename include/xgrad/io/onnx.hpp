#pragma once
/// \file onnx.hpp
/// ONNX export (the optional component xgrad::onnx, built when libonnx-dev is found; it defines
/// XGRAD_HAS_ONNX). See docs/interop.md.

#include <string>
#include <vector>

#include "xgrad/nn/module.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::io {

/// Writes `module` to `path` as an ONNX model (opset 17) that computes its forward pass.
///
/// The module runs once on `example_inputs` in evaluation mode (its train/eval mode is restored
/// afterwards) while an OpTrace records every op; the recorded graph, from the output back to
/// the input, becomes the ONNX graph: one graph input "input" and one output "output", both
/// with a free leading (batch) axis; the parameters and buffers the forward reads become
/// initializers named as in state_dict(); batch_norm is written in its inference form with the
/// running statistics. The model passes onnx::checker and strict shape inference before it is
/// written (atomically: a failed export leaves no file).
///
/// Mapped ops: the elementwise arithmetic (tensor and scalar forms, pow, maximum, minimum),
/// neg, abs, sign, exp, log, sqrt, tanh, sigmoid, relu, leaky_relu, softplus, log_sigmoid,
/// clamp, softmax, log_softmax, linear (Gemm), matmul, reshape and the ops built on it
/// (flatten, squeeze, unsqueeze), permute / transpose, concat / stack, broadcast_to, sum, mean,
/// conv1d, conv2d, conv_transpose2d, max_pool1d/2d, avg_pool1d/2d, adaptive_avg_pool2d and
/// adaptive_max_pool2d (1x1 or evenly dividing outputs), batch_norm, layer_norm, group_norm,
/// embedding (indices cast to int64 for Gather), pad, dtype casts. Dropout is the identity in
/// evaluation. Any other op throws ValueError naming it and its input shapes, as do settings
/// ONNX cannot express (avg_pool's divisor_override, batch_norm in training mode).
void export_onnx(nn::Module& module, const std::vector<Tensor>& example_inputs,
                 const std::string& path);

}  // namespace xgrad::io
