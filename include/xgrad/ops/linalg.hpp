#pragma once
/// \file linalg.hpp
/// Matrix products on BLAS.

#include "xgrad/tensor.hpp"

namespace xgrad {

/// Matrix product with torch.matmul's rank rules:
/// - 2-D @ 2-D: (m,k)@(k,n) -> (m,n);
/// - 1-D @ 1-D: the dot product, a 0-d tensor; 1-D @ 2-D: (k,)@(k,n) -> (n,) (the vector as a
///   one-row matrix, whose axis is removed again); 2-D @ 1-D: (m,k)@(k,) -> (m,);
/// - N-D: the last two axes are the matrices, the leading ones batch axes that broadcast as in
///   NumPy: (2,1,3,4)@(5,4,6) -> (2,5,3,6), (b,m,k)@(k,n) -> (b,m,n); a 1-D operand of an N-D
///   product is a matrix as above, its axis removed from the result.
/// The gradient of a broadcast operand is summed over the batch axes it was broadcast along.
/// transpose_a / transpose_b use the transpose of the last two axes without copying it (BLAS
/// transpose flags); they need an operand of 2 or more dimensions (a ValueError otherwise).
/// A ShapeError names matmul and both shapes when the inner sizes differ, the batch axes do not
/// broadcast or an operand is 0-d.
Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false);

/// x W^T + b, the fully connected layer, as one op: the bias is written into the output and the
/// product accumulated onto it by one gemm (no separate broadcast add). x has shape (..., in),
/// weight (out, in), bias (out,) or undefined; the result has shape (..., out). Gradients:
/// dx = g W, dW = g^T x (over all leading axes of x), db = g summed over the leading axes.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace xgrad
