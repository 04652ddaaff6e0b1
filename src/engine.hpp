#pragma once
// The backward pass for one output without building vectors (Tensor::backward).

#include "xgrad/tensor.hpp"

namespace xgrad::detail {

/// backward({output}, {gradient}, retain_graph, create_graph).
void backward_from(const Tensor& output, const Tensor& gradient, bool retain_graph,
                   bool create_graph);

}  // namespace xgrad::detail
