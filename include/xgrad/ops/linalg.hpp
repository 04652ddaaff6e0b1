#pragma once
/// \file linalg.hpp
/// Matrix products on BLAS.

#include "xgrad/tensor.hpp"

namespace xgrad {

/// Matrix product of 2-D or 3-D tensors: (m,k)@(k,n) -> (m,n); with a 3-D operand the leading axis
/// is a batch, broadcast when one side is 2-D or has batch 1: (b,m,k)@(k,n), (b,m,k)@(1,k,n),
/// (m,k)@(b,k,n) -> (b,m,n). transpose_a / transpose_b use the transpose of the last two axes
/// without copying it (BLAS transpose flags).
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false);

/// x W^T + b, the fully connected layer, as one op: the bias is written into the output and the
/// product accumulated onto it by one gemm (no separate broadcast add). x has shape (..., in),
/// weight (out, in), bias (out,) or undefined; the result has shape (..., out). Gradients:
/// dx = g W, dW = g^T x (over all leading axes of x), db = g summed over the leading axes.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace xgrad
