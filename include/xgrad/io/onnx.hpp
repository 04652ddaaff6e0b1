#pragma once
/// \file onnx.hpp
/// ONNX export (optional component, built when libonnx-dev is found; XGRAD_HAS_ONNX is defined).

#include <string>
#include <vector>

#include "xgrad/nn/module.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad::io {

/// Runs `module` once on `example_inputs` (grad mode on, so the graph is recorded), walks the
/// recorded graph from the output back to the inputs and writes it to `path` as an ONNX model
/// (opset 13): parameters become initializers named as in named_parameters(), each input a graph
/// input with a dynamic batch axis. The model is checked with onnx::checker::check_model and
/// shape inference. An op without an ONNX mapping throws ValueError naming the op.
/// Supported ops: linear (Gemm), add, sub, mul, div, relu, sigmoid, tanh, exp, log, neg,
/// log_softmax and softmax, reshape.
void export_onnx(nn::Module& module, const std::vector<Tensor>& example_inputs,
                 const std::string& path);

}  // namespace xgrad::io
