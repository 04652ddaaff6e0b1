// The bookkeeping around every derivative of torch.autograd.functional, as PyTorch 1.13's
// functional.py does it: preparing the inputs, validating v, strict mode's checks, zeros for
// missing gradients and detaching what is returned.
#include "functional/bookkeeping.hpp"

#include <string>

#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad::functional::detail {
namespace {
/// "the output" for a single tensor, "output 2" for one of several.
std::string name(bool many, std::size_t i, const char* what) {
    return many ? what + (" " + std::to_string(i)) : "the " + std::string(what);
}

/// The same value as a new node whose gradient flows to `x` (torch's x.view_as(x)): results
/// differentiated with respect to it stay connected to x's graph, and an input passed twice
/// still gets two gradients.
Tensor alias(const Tensor& x) {
    return make_op("alias", array_of(x), {x},
                   [](const Tensor& g, const Tensor&, const Inputs&) { return Grads{g}; });
}

}  // namespace

Tensors prepare_inputs(const Tensors& inputs, bool create_graph, const Call& call) {
    if (inputs.empty()) throw ValueError(std::string(call.api) + ": no inputs given");
    Tensors prepared;
    prepared.reserve(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!inputs[i].defined())
            throw ValueError(std::string(call.api) + ": " + name(call.many_inputs, i, "input") +
                             " is undefined");
        prepared.push_back(create_graph && inputs[i].requires_grad()
                               ? alias(inputs[i])
                               : inputs[i].detach().requires_grad_(true));
    }
    return prepared;
}

Tensors evaluate(const ManyToMany& f, const Tensors& inputs, const Call& call) {
    Tensors outputs = f(inputs);
    if (outputs.empty())
        throw ValueError(std::string(call.api) + ": the function returned no outputs");
    for (std::size_t i = 0; i < outputs.size(); ++i)
        if (!outputs[i].defined())
            throw ValueError(std::string(call.api) + ": " + name(call.many_outputs, i, "output") +
                             " is undefined");
    return outputs;
}

void validate_v(const Tensors& v, const Tensors& refs, bool many, const char* refs_name,
                const char* api) {
    const std::string prefix = std::string(api) + ": ";
    if (v.empty()) {
        if (refs.size() != 1 || refs[0].numel() != 1)
            throw ValueError(prefix + "v can be omitted only when the " + refs_name +
                             " is a single tensor with a single element; got " +
                             std::to_string(refs.size()) + " tensor(s), the first of shape " +
                             shape_str(refs[0].shape()));
        return;
    }
    if (v.size() != refs.size())
        throw ValueError(prefix + "v holds " + std::to_string(v.size()) + " tensors but " +
                         "there are " + std::to_string(refs.size()) + " " + refs_name + "s");
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string which = many ? "v[" + std::to_string(i) + "]" : std::string("v");
        if (!v[i].defined()) throw ValueError(prefix + which + " is undefined");
        if (v[i].shape() != refs[i].shape())
            throw ShapeError(prefix + which + " has shape " + shape_str(v[i].shape()) +
                             " but should have the shape of " + name(many, i, refs_name) + ", " +
                             shape_str(refs[i].shape()));
        if (v[i].dtype() != refs[i].dtype())
            throw DTypeError(prefix + which + " has dtype " + dtype_name(v[i].dtype()) + " but " +
                             name(many, i, refs_name) + " has dtype " +
                             dtype_name(refs[i].dtype()));
    }
}

void check_requires_grad(const Tensors& tensors, Checked what, bool strict, const char* api) {
    if (!strict) return;
    const std::string prefix = std::string(api) + " (strict): ";
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const std::string n = std::to_string(i);
        if (!tensors[i].defined())  // only gradients can be missing
            throw GraphError(prefix + "the output of the function is independent of input " + n);
        if (tensors[i].requires_grad()) continue;
        switch (what) {
            case Checked::outputs:
                throw GraphError(prefix + "output " + n +
                                 " of the function does not require grad; in strict mode the "
                                 "outputs must be computed differentiably from the inputs");
            case Checked::grad_inputs:
                throw GraphError(prefix + "the gradient with respect to input " + n +
                                 " is independent of the function's inputs");
            case Checked::jacobian:
                throw GraphError(prefix + "the Jacobian with respect to input " + n +
                                 " is independent of the input (is the function linear in "
                                 "it?); the function must be twice differentiable");
        }
    }
}

namespace {

/// Why strict mode refuses a gradient that a backward pass of `stage` did not produce.
std::string missing_gradient(Stage stage, std::size_t i) {
    const std::string n = std::to_string(i);
    switch (stage) {
        case Stage::back:
            return "the output of the function is independent of input " + n;
        case Stage::back_trick:
            return "the gradient with respect to the input is independent of entry " + n +
                   " of the grad_outputs of the double-backward trick";
        case Stage::double_back:
            return "the Jacobian of the function is independent of input " + n;
        case Stage::double_back_trick:
            break;
    }
    return "the Hessian of the function is independent of entry " + n + " of the grad_jacobian";
}

}  // namespace

Tensors fill_in_zeros(Tensors grads, const Tensors& refs, bool strict, bool create_graph,
                      Stage stage, const char* api) {
    const std::string prefix = std::string(api) + " (strict): ";
    const bool second_order = stage == Stage::double_back || stage == Stage::double_back_trick;
    for (std::size_t i = 0; i < grads.size(); ++i) {
        if (!grads[i].defined()) {
            if (strict) throw GraphError(prefix + missing_gradient(stage, i));
            grads[i] = zeros_like(refs[i]);
        } else if (strict && create_graph && !grads[i].requires_grad()) {
            throw GraphError(prefix + "the " + (second_order ? "Hessian" : "Jacobian") +
                             " of the function is independent of input " + std::to_string(i) +
                             ", which strict mode refuses with create_graph");
        }
    }
    return grads;
}

Tensors autograd_grad(const Tensors& outputs, const Tensors& inputs, const Tensors& grad_outputs,
                      bool create_graph, bool retain_graph) {
    Tensors used, used_grads;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        if (!outputs[i].defined() || !outputs[i].requires_grad()) continue;
        used.push_back(outputs[i]);
        if (!grad_outputs.empty()) used_grads.push_back(grad_outputs[i]);
    }
    if (used.empty()) return Tensors(inputs.size());
    return grad(used, inputs, used_grads, create_graph, /*allow_unused=*/true, retain_graph);
}

Tensors detached_unless(bool create_graph, Tensors tensors) {
    if (!create_graph)
        for (Tensor& t : tensors)
            if (t.requires_grad()) t = t.detach();
    return tensors;
}

Tensors zeros_requiring_grad(const Tensors& like) {
    Tensors zeros;
    for (const Tensor& t : like) zeros.push_back(zeros_like(t).requires_grad_(true));
    return zeros;
}

void check_scalar(const Tensors& outputs, const Call& call) {
    if (outputs.size() != 1)
        throw ValueError(std::string(call.api) +
                         ": the function must return a single tensor, it "
                         "returned " +
                         std::to_string(outputs.size()));
    if (outputs[0].numel() != 1)
        throw ShapeError(std::string(call.api) +
                         ": the function must return a tensor with a single element (a scalar), "
                         "it returned shape " +
                         shape_str(outputs[0].shape()));
}

}  // namespace xgrad::functional::detail
