#pragma once
// The bookkeeping around every derivative of torch.autograd.functional (PyTorch 1.13's
// functional.py: _grad_preprocess, _validate_v, _check_requires_grad, _fill_in_zeros,
// _autograd_grad, _grad_postprocess), shared by the derivatives in derivatives.cpp.

#include <vector>

#include "xgrad/autograd.hpp"
#include "xgrad/functional.hpp"

namespace xgrad::functional::detail {

using Tensors = std::vector<Tensor>;

/// Records the graph for its lifetime, whatever the caller's grad mode (torch.enable_grad()):
/// the function's graph is what gets differentiated.
class EnableGrad : public GradModeGuard {
public:
    EnableGrad() : GradModeGuard(true) {}
};

/// The public function being run, and whether its caller passed one tensor or a vector of
/// inputs and outputs; only the error messages differ ("v" or "v[2]", "the input" or "input 2").
struct Call {
    const char* api;
    bool many_inputs;
    bool many_outputs;
};

/// torch's _grad_preprocess for the inputs: a fresh leaf that requires grad, or, with
/// create_graph, an alias of an input that requires grad so that the results reach its graph.
Tensors prepare_inputs(const Tensors& inputs, bool create_graph, const Call& call);

/// f at the prepared inputs; ValueError for no output or an undefined one.
Tensors evaluate(const ManyToMany& f, const Tensors& inputs, const Call& call);

/// torch's _validate_v: one v per reference tensor (the outputs for vjp, the inputs otherwise;
/// `refs_name` is "output" or "input"), of its shape and dtype. An empty v means "implied":
/// allowed only for one single-element tensor.
void validate_v(const Tensors& v, const Tensors& refs, bool many, const char* refs_name,
                const char* api);

/// What torch's _check_requires_grad is checking in strict mode.
enum class Checked { outputs, grad_inputs, jacobian };

/// Strict mode only: a GraphError for a tensor among `tensors` that is undefined or does not
/// require grad, saying what that means for `what`.
void check_requires_grad(const Tensors& tensors, Checked what, bool strict, const char* api);

/// Which backward pass produced the gradients given to fill_in_zeros (torch's stages), for the
/// strict-mode messages.
enum class Stage { back, back_trick, double_back, double_back_trick };

/// torch's _fill_in_zeros: a missing gradient becomes zeros of its reference's shape, or, with
/// strict, an error; with strict and create_graph a gradient that does not require grad is one
/// too.
Tensors fill_in_zeros(Tensors grads, const Tensors& refs, bool strict, bool create_graph,
                      Stage stage, const char* api);

/// torch's _autograd_grad: xgrad::grad over the outputs that require grad (with their
/// grad_outputs; empty = implied ones), allowing unused inputs; none at all gives no gradients.
Tensors autograd_grad(const Tensors& outputs, const Tensors& inputs, const Tensors& grad_outputs,
                      bool create_graph, bool retain_graph);

/// torch's _grad_postprocess: without create_graph nothing returned keeps a graph.
Tensors detached_unless(bool create_graph, Tensors tensors);

/// Zeros like each tensor, as leaves that require grad: the u of the double-backward trick.
Tensors zeros_requiring_grad(const Tensors& like);

/// Checks that a function given to hessian, hvp or vhp returned one single-element tensor
/// (ShapeError naming the shape otherwise).
void check_scalar(const Tensors& outputs, const Call& call);

}  // namespace xgrad::functional::detail
