#pragma once
// What every update rule reads besides its hyperparameters: the gradient it works with and its
// state buffers (private to the library).
//
// The rules follow torch.optim's _single_tensor_* code operation for operation, as one loop over
// the elements that states each equation once: every scalar coefficient is computed in double as
// PyTorch computes it in Python, then cast to T once outside the loop; every in-place tensor op
// of PyTorch (mul_, add_, addcmul_, addcdiv_) becomes the same rounded arithmetic on one element,
// in PyTorch's order ((1 - β₂) * g * g is ((1 - β₂) * g) * g, as addcmul_ computes it). One pass
// reads each buffer once and allocates nothing after the state exists; GCC vectorises the loops
// (the rule files are compiled with -fno-math-errno so that sqrt needs no call), and the
// options (maximize, weight decay, amsgrad, ...) are runtime conditions, not template arguments,
// so each rule is compiled once per element type. -ffp-contract=off (CMakeLists.txt) keeps
// a*b + c from becoming a fused multiply-add: PyTorch rounds the product first.

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <xtensor/xarray.hpp>

#include "xgrad/tensor.hpp"

namespace xgrad::optim::detail {

/// The gradient a rule works with, element by element: -grad when maximizing, plus
/// weight_decay * param for coupled (L2) weight decay, like PyTorch's `grad = -grad` and
/// `grad = grad.add(param, alpha=weight_decay)`. It reads param[i], so a rule takes element i's
/// gradient before it writes param[i].
template <class T>
class Gradient {
public:
    Gradient(const xt::xarray<T>& grad, const xt::xarray<T>& param, bool maximize,
             double weight_decay)
        : grad_(grad.data()),
          param_(param.data()),
          maximize_(maximize),
          decays_(weight_decay != 0.0),
          decay_(static_cast<T>(weight_decay)) {}

    T operator()(std::size_t i) const {
        const T g = maximize_ ? -grad_[i] : grad_[i];
        const T theta = param_[i];  // read unconditionally so that the select vectorises
        return decays_ ? g + theta * decay_ : g;
    }

private:
    const T* grad_;
    const T* param_;
    bool maximize_;
    bool decays_;
    T decay_;
};

/// Calls `fn` with each flag as std::true_type or std::false_type. A rule whose options decide
/// which buffers a loop reads (RMSprop's centered average, its momentum buffer) takes them as
/// such constants, so that each combination is a straight loop the compiler can vectorise; the
/// rule still reads them with a plain `if`.
template <class Fn>
void with_constant_flags(Fn&& fn) {
    fn();
}
template <class Fn, class... Flags>
void with_constant_flags(Fn&& fn, bool flag, Flags... flags) {
    const auto bind = [&](auto constant) {
        with_constant_flags([&](auto... rest) { fn(constant, rest...); }, flags...);
    };
    if (flag)
        bind(std::true_type{});
    else
        bind(std::false_type{});
}

/// Adam's running moments, shared by Adam, NAdam and RAdam: m ← β₁ m + (1 − β₁) g and
/// v ← β₂ v + (1 − β₂) g g (PyTorch 1.13's mul_/add_ and mul_/addcmul_).
template <class T>
class AdamMoments {
public:
    explicit AdamMoments(const std::array<double, 2>& betas)
        : beta1_(T(betas[0])),
          one_minus_beta1_(T(1 - betas[0])),
          beta2_(T(betas[1])),
          one_minus_beta2_(T(1 - betas[1])) {}

    void update(T& m, T& v, T g) const {
        m = m * beta1_ + one_minus_beta1_ * g;
        v = v * beta2_ + one_minus_beta2_ * g * g;
    }

private:
    T beta1_, one_minus_beta1_, beta2_, one_minus_beta2_;
};

/// The values of a state buffer, allocated on its first use with `like`'s shape, filled with
/// `value` (zeros, or Adagrad's initial accumulator).
template <class T>
T* buffer(Tensor& slot, const xt::xarray<T>& like, double value = 0.0) {
    if (!slot.defined()) slot = Tensor(xt::xarray<T>(like.shape(), static_cast<T>(value)));
    return slot.value<T>().data();
}

/// ±1 with the sign bit of x, ±0 for ±0, NaN for NaN (xt::sign, whose bits the rules kept).
template <class T>
T sign(T x) {
    if (std::isnan(x)) return std::numeric_limits<T>::quiet_NaN();
    return x == T(0) ? std::copysign(T(0), x) : std::copysign(T(1), x);
}

/// a when a > b, else b (xt::maximum, whose bits the rules kept: b when either is NaN).
template <class T>
T larger(T a, T b) {
    return a > b ? a : b;
}

}  // namespace xgrad::optim::detail
