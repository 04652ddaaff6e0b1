#pragma once
// Helpers shared by the update rules (private to the library).
//
// The rules follow torch.optim's _single_tensor_* code operation for operation: every scalar
// coefficient is computed in double as PyTorch computes it in Python, then cast to T once; every
// in-place tensor op of PyTorch (mul_, add_, addcmul_, addcdiv_) becomes the same rounded
// arithmetic inside one fused xtensor expression written with xt::noalias (or one loop over the
// elements where two outputs are updated together, as SGD's buffer and parameter), so an update
// allocates nothing after the state buffers exist. src/optim/*.cpp are compiled with
// -ffp-contract=off (see CMakeLists.txt), so a*b + c rounds the product first, as PyTorch does.

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

/// The values of a state buffer, allocated on its first use with `like`'s shape, filled with
/// `value` (zeros, or Adagrad's initial accumulator).
template <class T>
xt::xarray<T>& buffer(Tensor& slot, const xt::xarray<T>& like, double value = 0.0) {
    if (!slot.defined()) slot = Tensor(xt::xarray<T>(like.shape(), static_cast<T>(value)));
    return slot.value<T>();
}

}  // namespace xgrad::optim::detail
