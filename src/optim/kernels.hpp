#pragma once
// Helpers shared by the update rules (private to the library).
//
// The rules follow torch.optim's _single_tensor_* code operation for operation: every scalar
// coefficient is computed in double as PyTorch computes it in Python, then cast to T once; every
// in-place tensor op of PyTorch (mul_, add_, addcmul_, addcdiv_) becomes the same rounded
// arithmetic inside one fused xtensor expression written with xt::noalias, so an update
// allocates nothing after the state buffers exist.
//
// Each rule's .cpp starts, before any include, with a pragma that turns off floating-point
// contraction (a*b + c fused into one multiply-add). PyTorch rounds the product before adding;
// GCC contracts by default in C++ wherever the target has FMA, which makes results drift from
// PyTorch's by an ulp now and then and differ between builds with and without -march=native.
// With contraction off, 14 of the 18 golden replays are bit-identical to PyTorch and the others
// stay within 3e-13 (rounding inside PyTorch's own kernels and in the gradients).

#include <xtensor/xarray.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include "xgrad/tensor.hpp"

namespace xgrad::optim::detail {

/// Calls `fn(g)` with the gradient the rule works with, as a lazy expression: -grad when
/// maximizing, plus weight_decay * param for coupled (L2) weight decay, like PyTorch's
/// `grad = -grad` and `grad = grad.add(param, alpha=weight_decay)`. The expression reads
/// `param` at the element being computed only, so `fn` may assign to param with noalias as
/// long as it does so in its last statement that reads `g`.
template <class T, class Fn>
void with_grad(const xt::xarray<T>& grad, const xt::xarray<T>& param, bool maximize,
               double weight_decay, Fn&& fn) {
    const T decay = static_cast<T>(weight_decay);
    if (weight_decay != 0.0) {
        if (maximize)
            fn(-grad + param * decay);
        else
            fn(grad + param * decay);
    } else {
        if (maximize)
            fn(-grad);
        else
            fn(grad);
    }
}

/// A zero-filled buffer of `like`'s shape and dtype, allocated on a state's first use (or
/// filled with `value`, as Adagrad's initial accumulator).
inline void ensure_buffer(Tensor& buffer, const Tensor& like, double value = 0.0) {
    if (!buffer.defined()) buffer = full(like.shape(), value, like.dtype());
}

}  // namespace xgrad::optim::detail
