#pragma once
/// \file autograd.hpp
/// Reverse-mode differentiation: backward(), the functional grad(), gradcheck() and the Graphviz
/// export of a graph; grad mode and anomaly mode (grad_mode.hpp).

#include <functional>
#include <string>
#include <vector>

#include "xgrad/grad_mode.hpp"
#include "xgrad/tensor.hpp"

namespace xgrad {

/// Backpropagates `grad_outputs` (one per output; undefined means ones for a scalar output) from
/// `outputs` and accumulates into the grad of every leaf that requires grad. See
/// Tensor::backward().
void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs = {},
              bool retain_graph = false, bool create_graph = false);

/// The gradients of `outputs` with respect to `inputs`, returned instead of accumulated into
/// .grad. With create_graph the results are themselves differentiable (higher-order gradients).
/// retain_graph defaults to create_graph. An input the outputs do not depend on raises a
/// GraphError unless allow_unused, in which case its gradient is undefined.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, bool create_graph = false,
                         bool allow_unused = false);
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, bool create_graph,
                         bool allow_unused, bool retain_graph);

/// Outcome of gradcheck(): `ok`, the largest deviation found and a report naming the first
/// input and element that failed.
struct GradcheckResult {
    bool ok = true;
    double max_abs_error = 0.0;
    std::string report;
    explicit operator bool() const { return ok; }
};

/// Compares the analytic gradients of `fn` at `inputs` (float64 tensors that require grad)
/// with central differences (f(x+eps) - f(x-eps)) / 2eps, element by element, for every output
/// element: passes when |analytic - numeric| <= atol + rtol * |numeric| everywhere.
GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                          const std::vector<Tensor>& inputs, double eps = 1e-6, double atol = 1e-5,
                          double rtol = 1e-3);

/// The graph that produced `root` in Graphviz DOT: one box per op with its output shape, one
/// ellipse per leaf, edges from inputs to outputs.
std::string to_dot(const Tensor& root);

}  // namespace xgrad
