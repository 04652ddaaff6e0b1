#pragma once
/// \file utils.hpp
/// torch.nn.utils' gradient utilities: clipping the gradients of a set of parameters by their
/// joint norm or elementwise, and flattening parameters into one vector and back. They work on
/// any tensors (a Module's parameters(), an optimizer's), between backward() and step():
///
///     loss.backward();
///     const double norm = nn::clip_grad_norm_(model.parameters(), 1.0).item();
///     opt.step();

#include <limits>
#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad::nn {

/// Scales the gradients of `parameters` in place so that their joint p-norm (the norm of the
/// vector of all gradient elements) is at most `max_norm`: every gradient is multiplied by
/// min(1, max_norm / (total_norm + 1e-6)), as PyTorch does. `norm_type` is any p > 0 or
/// infinity (max |g|). Returns the total norm before clipping, a 0-d tensor of the first
/// gradient's dtype. Parameters without a gradient are skipped.
///
/// Errors: ValueError when no parameter has a gradient (PyTorch returns tensor(0.) and changes
/// nothing; xgrad treats clipping nothing as the mistake it usually is), ValueError for
/// norm_type <= 0 or max_norm < 0; with `error_if_nonfinite`, NonFiniteError when the total norm
/// is NaN or infinite (PyTorch's RuntimeError), before any gradient is changed.
Tensor clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm,
                       double norm_type = 2.0, bool error_if_nonfinite = false);

/// Clamps every gradient element of `parameters` into [−clip_value, clip_value] in place
/// (torch.nn.utils.clip_grad_value_). Parameters without a gradient are skipped; ValueError when
/// none has one (PyTorch does nothing) or clip_value < 0.
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

/// The parameters flattened and concatenated into one 1-D tensor, differentiable like
/// torch.nn.utils.parameters_to_vector (concat of reshape(p, {-1})). ValueError on an empty
/// list, DTypeError when the dtypes differ.
Tensor parameters_to_vector(const std::vector<Tensor>& parameters);

/// Copies consecutive slices of the 1-D `vec` into the values of `parameters`, in order
/// (torch.nn.utils.vector_to_parameters); records no graph. ShapeError unless vec is 1-D with
/// exactly as many elements as the parameters together; nothing is written then.
void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters);

}  // namespace xgrad::nn
