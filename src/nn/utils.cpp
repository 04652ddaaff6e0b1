#include "xgrad/nn/utils.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/state_dict.hpp"

namespace xgrad::nn {
namespace {

/// The gradients of the parameters that have one; ValueError naming `op` when none has.
std::vector<Tensor> defined_grads(const char* op, const std::vector<Tensor>& parameters) {
    std::vector<Tensor> grads;
    for (const Tensor& p : parameters)
        if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
    if (grads.empty())
        throw ValueError(std::string(op) + ": none of the " + std::to_string(parameters.size()) +
                         " parameters has a gradient (expected clipping after backward())");
    return grads;
}

/// ‖g‖_p of one gradient, in its element type as torch.norm computes it.
double grad_norm(const Tensor& grad, double p) {
    return dispatch(grad.dtype(), [&](auto tag) -> double {
        using T = decltype(tag);
        const auto& g = grad.value<T>();
        if (std::isinf(p)) return g.size() ? static_cast<double>(xt::amax(xt::abs(g))()) : 0.0;
        if (p == 1.0) return static_cast<double>(xt::sum(xt::abs(g))());
        if (p == 2.0) return static_cast<double>(std::sqrt(xt::sum(g * g)()));
        return std::pow(static_cast<double>(xt::sum(xt::pow(xt::abs(g), T(p)))()), 1.0 / p);
    });
}

}  // namespace

// torch.nn.utils.clip_grad_norm_ (PyTorch 1.13): the norm of the per-parameter norms, then
// every gradient times min(1, max_norm / (total + 1e-6)).
Tensor clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
    if (!(norm_type > 0.0))
        throw ValueError("clip_grad_norm_: invalid norm_type " + format_exact(norm_type) +
                         " (expected > 0 or infinity)");
    if (!(max_norm >= 0.0))
        throw ValueError("clip_grad_norm_: invalid max_norm " + format_exact(max_norm) +
                         " (expected >= 0)");
    const std::vector<Tensor> grads = defined_grads("clip_grad_norm_", parameters);
    double total = 0.0;
    if (std::isinf(norm_type)) {
        for (const Tensor& g : grads) total = std::max(total, grad_norm(g, norm_type));
    } else {
        for (const Tensor& g : grads) total += std::pow(grad_norm(g, norm_type), norm_type);
        total =
            grads.size() == 1 ? grad_norm(grads[0], norm_type) : std::pow(total, 1.0 / norm_type);
    }
    if (error_if_nonfinite && !std::isfinite(total))
        throw NonFiniteError("clip_grad_norm_: the total norm of order " + format_exact(norm_type) +
                             " of the gradients of " + std::to_string(grads.size()) +
                             " parameters is " + format_exact(total) +
                             " (expected finite; no gradient was changed; pass "
                             "error_if_nonfinite = false to clip anyway)");
    const DType dtype = grads.front().dtype();
    // PyTorch: clip_coef = max_norm / (total_norm + 1e-6), a tensor of the gradients' dtype,
    // and `scalar / tensor` is `tensor.reciprocal() * scalar`.
    const double coef = dispatch(dtype, [&](auto tag) -> double {
        using T = decltype(tag);
        const T c = T(1) / (T(total) + T(1e-6)) * T(max_norm);
        return static_cast<double>(std::min(c, T(1)));
    });
    for (const Tensor& g : grads)
        dispatch(g.dtype(), [&](auto tag) {
            using T = decltype(tag);
            auto& values = Tensor(g).value<T>();
            values *= T(coef);
        });
    return dispatch(dtype, [&](auto tag) {
        using T = decltype(tag);
        return Tensor(xt::xarray<T>(T(total)));
    });
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
    if (!(clip_value >= 0.0))
        throw ValueError("clip_grad_value_: invalid clip_value " + format_exact(clip_value) +
                         " (expected >= 0)");
    for (const Tensor& g : defined_grads("clip_grad_value_", parameters))
        dispatch(g.dtype(), [&](auto tag) {
            using T = decltype(tag);
            auto& values = Tensor(g).value<T>();
            values = xt::clip(values, T(-clip_value), T(clip_value));
        });
}

Tensor parameters_to_vector(const std::vector<Tensor>& parameters) {
    if (parameters.empty()) throw ValueError("parameters_to_vector: empty parameter list");
    std::vector<Tensor> flat;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        if (parameters[i].dtype() != parameters[0].dtype())
            throw DTypeError("parameters_to_vector: parameter " + std::to_string(i) + " is " +
                             dtype_name(parameters[i].dtype()) + ", parameter 0 " +
                             dtype_name(parameters[0].dtype()) + " (expected one dtype)");
        flat.push_back(reshape(parameters[i], Shape{parameters[i].numel()}));
    }
    return concat(flat, 0);
}

void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters) {
    std::size_t total = 0;
    for (const Tensor& p : parameters) total += p.numel();
    if (vec.dim() != 1 || vec.numel() != total)
        throw ShapeError("vector_to_parameters: the vector has shape " + shape_str(vec.shape()) +
                         " but the " + std::to_string(parameters.size()) + " parameters have " +
                         std::to_string(total) +
                         " elements (expected a 1-D vector of that length)");
    const std::vector<double> values = vec.to_vector();
    std::size_t offset = 0;
    for (const Tensor& p : parameters)
        dispatch(p.dtype(), [&](auto tag) {
            using T = decltype(tag);
            auto& target = Tensor(p).value<T>();
            for (std::size_t i = 0; i < target.size(); ++i)
                target.data()[i] = static_cast<T>(values[offset + i]);
            offset += target.size();
        });
}

}  // namespace xgrad::nn
