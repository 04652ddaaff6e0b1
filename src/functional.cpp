// torch.autograd.functional on xgrad::grad: every public overload adapts its function to one of
// several tensors returning several, runs the matching core below and unpacks the result. The
// cores follow PyTorch 1.13's functional.py step by step, including where strict mode checks.
#include "xgrad/functional.hpp"

#include <string>

#include "xgrad/autograd.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::functional {
namespace {

using Tensors = std::vector<Tensor>;

/// Records the graph for its lifetime, whatever the caller's grad mode (torch.enable_grad()):
/// the function's graph is what gets differentiated.
class EnableGrad {
public:
    EnableGrad() : previous_(is_grad_enabled()) { set_grad_enabled(true); }
    ~EnableGrad() { set_grad_enabled(previous_); }
    EnableGrad(const EnableGrad&) = delete;
    EnableGrad& operator=(const EnableGrad&) = delete;

private:
    bool previous_;
};

/// How the caller passed inputs and outputs: one tensor or a vector. Only the error messages
/// differ ("v" or "entry 2 of v").
struct Call {
    const char* api;
    bool many_inputs;
    bool many_outputs;
};

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

/// torch's _grad_preprocess for the inputs: a fresh leaf that requires grad, or, with
/// create_graph, an alias of an input that requires grad so that the results reach its graph.
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
            throw ValueError(std::string(call.api) + ": " +
                             name(call.many_outputs, i, "output") +
                             " is undefined");
    return outputs;
}

/// torch's _validate_v: one v per reference tensor (the outputs for vjp, the inputs otherwise),
/// of its shape and dtype. An empty v means "implied": allowed only for one single-element tensor.
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
            throw DTypeError(prefix + which + " has dtype " + dtype_name(v[i].dtype()) +
                             " but " + name(many, i, refs_name) + " has dtype " +
                             dtype_name(refs[i].dtype()));
    }
}

/// What torch's _check_requires_grad is checking in strict mode.
enum class Checked { outputs, grad_inputs, jacobian };

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

/// Which backward pass produced the gradients given to fill_in_zeros (torch's stages), for the
/// strict-mode messages.
enum class Stage { back, back_trick, double_back, double_back_trick };

/// torch's _fill_in_zeros: a missing gradient becomes zeros of its reference's shape, or, with
/// strict, an error; with strict and create_graph a gradient that does not require grad is one
/// too.
Tensors fill_in_zeros(Tensors grads, const Tensors& refs, bool strict, bool create_graph,
                      Stage stage, const char* api) {
    const std::string prefix = std::string(api) + " (strict): ";
    const bool second_order = stage == Stage::double_back || stage == Stage::double_back_trick;
    for (std::size_t i = 0; i < grads.size(); ++i) {
        const std::string n = std::to_string(i);
        if (!grads[i].defined()) {
            if (strict) switch (stage) {
                    case Stage::back:
                        throw GraphError(prefix + "the output of the function is independent of "
                                                  "input " + n);
                    case Stage::back_trick:
                        throw GraphError(prefix + "the gradient with respect to the input is "
                                                  "independent of entry " + n +
                                         " of the grad_outputs of the double-backward trick");
                    case Stage::double_back:
                        throw GraphError(prefix + "the Jacobian of the function is independent "
                                                  "of input " + n);
                    case Stage::double_back_trick:
                        throw GraphError(prefix + "the Hessian of the function is independent of "
                                                  "entry " + n + " of the grad_jacobian");
                }
            grads[i] = zeros_like(refs[i]);
        } else if (strict && create_graph && !grads[i].requires_grad()) {
            throw GraphError(prefix + "the " + (second_order ? "Hessian" : "Jacobian") +
                             " of the function is independent of input " + n +
                             ", which strict mode refuses with create_graph");
        }
    }
    return grads;
}

/// torch's _autograd_grad: xgrad::grad over the outputs that require grad (with their
/// grad_outputs; empty = implied ones), allowing unused inputs; none at all gives no gradients.
Tensors autograd_grad(const Tensors& outputs, const Tensors& inputs,
                      const Tensors& grad_outputs, bool create_graph, bool retain_graph) {
    Tensors used, used_grads;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        if (!outputs[i].defined() || !outputs[i].requires_grad()) continue;
        used.push_back(outputs[i]);
        if (!grad_outputs.empty()) used_grads.push_back(grad_outputs[i]);
    }
    if (used.empty()) return Tensors(inputs.size());
    return grad(used, inputs, used_grads, create_graph, /*allow_unused=*/true, retain_graph);
}

/// torch's _grad_postprocess: without create_graph nothing returned keeps a graph.
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

/// e_k of `like`'s shape: its vjp is row k of the Jacobian.
Tensor unit(const Tensor& like, std::size_t k) {
    Tensor e = zeros_like(like);
    std::visit([k](auto& a) { a.data()[k] = 1; }, e.node()->value);
    return e;
}

Shape concatenated(const Shape& a, const Shape& b) {
    Shape s = a;
    s.insert(s.end(), b.begin(), b.end());
    return s;
}

std::vector<Tensors> jacobian_core(const ManyToMany& f, const Tensors& inputs, bool create_graph,
                                   bool strict, const Call& call) {
    const EnableGrad enable;
    const Tensors x = prepare_inputs(inputs, create_graph, call);
    const Tensors outputs = evaluate(f, x, call);
    check_requires_grad(outputs, Checked::outputs, strict, call.api);
    std::vector<Tensors> jac(outputs.size());
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const Tensor& out = outputs[i];
        std::vector<Tensors> rows(x.size());  // rows[j][k] = d out[k] / d x[j]
        for (std::size_t k = 0; k < out.numel(); ++k) {
            const Tensors vj = autograd_grad({out}, x, {unit(out, k)}, create_graph, true);
            for (std::size_t j = 0; j < x.size(); ++j) {
                if (!vj[j].defined()) {
                    if (strict)
                        throw GraphError(std::string(call.api) + " (strict): output " +
                                         std::to_string(i) +
                                         " of the function is independent of input " +
                                         std::to_string(j));
                    rows[j].push_back(zeros_like(x[j]));
                } else {
                    if (strict && create_graph && !vj[j].requires_grad())
                        throw GraphError(std::string(call.api) +
                                         " (strict): the Jacobian of the function is independent "
                                         "of input " +
                                         std::to_string(j) +
                                         ", which strict mode refuses with create_graph");
                    rows[j].push_back(vj[j]);
                }
            }
        }
        for (std::size_t j = 0; j < x.size(); ++j) {
            const Shape shape = concatenated(out.shape(), x[j].shape());
            jac[i].push_back(rows[j].empty() ? zeros(shape, out.dtype())
                                             : reshape(stack(rows[j], 0), shape));
        }
        jac[i] = detached_unless(create_graph, std::move(jac[i]));
    }
    return jac;
}

/// Checks that a function given to hessian, hvp or vhp returned one single-element tensor.
void check_scalar(const Tensors& outputs, const Call& call) {
    if (outputs.size() != 1)
        throw ValueError(std::string(call.api) + ": the function must return a single tensor, it "
                                                 "returned " +
                         std::to_string(outputs.size()));
    if (outputs[0].numel() != 1)
        throw ShapeError(std::string(call.api) +
                         ": the function must return a tensor with a single element (a scalar), "
                         "it returned shape " +
                         shape_str(outputs[0].shape()));
}

std::vector<Tensors> hessian_core(const ManyToOne& f, const Tensors& inputs, bool create_graph,
                                  bool strict, const Call& call) {
    // As torch does: the Jacobian of the (create_graph) Jacobian.
    const ManyToMany scalar = [&](const Tensors& x) {
        Tensors out{f(x)};
        if (!out[0].defined())
            throw ValueError(std::string(call.api) + ": the function's output is undefined");
        check_requires_grad(out, Checked::outputs, strict, call.api);
        check_scalar(out, call);
        return Tensors{reshape(out[0], Shape{})};
    };
    const ManyToMany gradient = [&](const Tensors& x) {
        Tensors g = jacobian_core(scalar, x, true, false, {call.api, call.many_inputs, false})[0];
        check_requires_grad(g, Checked::jacobian, strict, call.api);
        return g;
    };
    return jacobian_core(gradient, inputs, create_graph, strict,
                         {call.api, call.many_inputs, call.many_inputs});
}

using Result = OutputAndProduct<Tensors, Tensors>;

Result vjp_core(const ManyToMany& f, const Tensors& inputs, const Tensors& v, bool create_graph,
                bool strict, const Call& call) {
    const EnableGrad enable;
    const Tensors x = prepare_inputs(inputs, create_graph, call);
    const Tensors outputs = evaluate(f, x, call);
    validate_v(v, outputs, call.many_outputs, "output", call.api);
    check_requires_grad(outputs, Checked::outputs, strict, call.api);
    Tensors product = autograd_grad(outputs, x, v, create_graph, create_graph);
    product = fill_in_zeros(std::move(product), x, strict, create_graph, Stage::back, call.api);
    return {detached_unless(create_graph, outputs), detached_unless(create_graph, product)};
}

Result jvp_core(const ManyToMany& f, const Tensors& inputs, const Tensors& v, bool create_graph,
                bool strict, const Call& call) {
    const EnableGrad enable;
    const Tensors x = prepare_inputs(inputs, create_graph, call);
    validate_v(v, x, call.many_inputs, "input", call.api);
    const Tensors outputs = evaluate(f, x, call);
    check_requires_grad(outputs, Checked::outputs, strict, call.api);
    // u -> Jᵀu is linear in u, so its derivative along v is J v whatever u is; u = 0 keeps NaN
    // and Inf out of the second graph.
    const Tensors u = zeros_requiring_grad(outputs);
    const Tensors jt_u = autograd_grad(outputs, x, u, true, true);
    check_requires_grad(jt_u, Checked::grad_inputs, strict, call.api);
    Tensors product = autograd_grad(jt_u, u, v, create_graph, create_graph);
    product =
        fill_in_zeros(std::move(product), outputs, strict, create_graph, Stage::back_trick, call.api);
    return {detached_unless(create_graph, outputs), detached_unless(create_graph, product)};
}

/// The common start of hvp and vhp: the prepared inputs, f's output and its gradient with
/// create_graph.
struct Gradient {
    Tensors x, output, gradient;
};

Gradient gradient_with_graph(const ManyToOne& f, const Tensors& inputs, const Tensors& v,
                             bool create_graph, bool strict, const Call& call) {
    Gradient g;
    g.x = prepare_inputs(inputs, create_graph, call);
    validate_v(v, g.x, call.many_inputs, "input", call.api);
    const ManyToMany wrapped = [&](const Tensors& x) { return Tensors{f(x)}; };
    g.output = evaluate(wrapped, g.x, call);
    check_requires_grad(g.output, Checked::outputs, strict, call.api);
    check_scalar(g.output, call);
    g.gradient = autograd_grad(g.output, g.x, {}, true, true);
    check_requires_grad(g.gradient, Checked::jacobian, strict, call.api);
    return g;
}

OutputAndProduct<Tensor, Tensors> vhp_core(const ManyToOne& f, const Tensors& inputs,
                                           const Tensors& v, bool create_graph, bool strict,
                                           const Call& call) {
    const EnableGrad enable;
    const Gradient g = gradient_with_graph(f, inputs, v, create_graph, strict, call);
    Tensors product = autograd_grad(g.gradient, g.x, v, create_graph, create_graph);
    product =
        fill_in_zeros(std::move(product), g.x, strict, create_graph, Stage::double_back, call.api);
    return {detached_unless(create_graph, g.output)[0], detached_unless(create_graph, product)};
}

OutputAndProduct<Tensor, Tensors> hvp_core(const ManyToOne& f, const Tensors& inputs,
                                           const Tensors& v, bool create_graph, bool strict,
                                           const Call& call) {
    const EnableGrad enable;
    const Gradient g = gradient_with_graph(f, inputs, v, create_graph, strict, call);
    // The double-backward trick again: w -> Hᵀw is linear in w; its derivative along v is H v.
    const Tensors w = zeros_requiring_grad(g.x);
    const Tensors ht_w = autograd_grad(g.gradient, g.x, w, true, true);
    Tensors product = autograd_grad(ht_w, w, v, create_graph, create_graph);
    product = fill_in_zeros(std::move(product), g.x, strict, create_graph,
                            Stage::double_back_trick, call.api);
    return {detached_unless(create_graph, g.output)[0], detached_unless(create_graph, product)};
}

// Adapters from the public signatures to the cores.
ManyToMany many(const OneToOne& f) {
    return [f](const Tensors& x) { return Tensors{f(x[0])}; };
}
ManyToMany many(const ManyToOne& f) {
    return [f](const Tensors& x) { return Tensors{f(x)}; };
}
ManyToMany many(const OneToMany& f) {
    return [f](const Tensors& x) { return f(x[0]); };
}
ManyToOne one_input_of(const OneToOne& f) {
    return [f](const Tensors& x) { return f(x[0]); };
}
Tensors many(const Tensor& t) { return t.defined() ? Tensors{t} : Tensors{}; }

}  // namespace

Tensor jacobian(const OneToOne& f, const Tensor& x, bool create_graph, bool strict) {
    return jacobian_core(many(f), {x}, create_graph, strict, {"jacobian", false, false})[0][0];
}

std::vector<Tensor> jacobian(const ManyToOne& f, const std::vector<Tensor>& x, bool create_graph,
                             bool strict) {
    return jacobian_core(many(f), x, create_graph, strict, {"jacobian", true, false})[0];
}

std::vector<Tensor> jacobian(const OneToMany& f, const Tensor& x, bool create_graph,
                             bool strict) {
    std::vector<Tensor> jac;
    for (auto& row : jacobian_core(many(f), {x}, create_graph, strict, {"jacobian", false, true}))
        jac.push_back(row[0]);
    return jac;
}

std::vector<std::vector<Tensor>> jacobian(const ManyToMany& f, const std::vector<Tensor>& x,
                                          bool create_graph, bool strict) {
    return jacobian_core(f, x, create_graph, strict, {"jacobian", true, true});
}

Tensor hessian(const OneToOne& f, const Tensor& x, bool create_graph, bool strict) {
    return hessian_core(one_input_of(f), {x}, create_graph, strict, {"hessian", false, false})[0]
                       [0];
}

std::vector<std::vector<Tensor>> hessian(const ManyToOne& f, const std::vector<Tensor>& x,
                                         bool create_graph, bool strict) {
    return hessian_core(f, x, create_graph, strict, {"hessian", true, false});
}

OutputAndProduct<Tensor, Tensor> vjp(const OneToOne& f, const Tensor& x, const Tensor& v,
                                     bool create_graph, bool strict) {
    Result r = vjp_core(many(f), {x}, many(v), create_graph, strict, {"vjp", false, false});
    return {r.output[0], r.product[0]};
}

Result vjp(const ManyToMany& f, const std::vector<Tensor>& x, const std::vector<Tensor>& v,
           bool create_graph, bool strict) {
    return vjp_core(f, x, v, create_graph, strict, {"vjp", true, true});
}

OutputAndProduct<Tensor, std::vector<Tensor>> vjp(const ManyToOne& f, const std::vector<Tensor>& x,
                                                  const Tensor& v, bool create_graph,
                                                  bool strict) {
    Result r = vjp_core(many(f), x, many(v), create_graph, strict, {"vjp", true, false});
    return {r.output[0], r.product};
}

OutputAndProduct<std::vector<Tensor>, Tensor> vjp(const OneToMany& f, const Tensor& x,
                                                  const std::vector<Tensor>& v, bool create_graph,
                                                  bool strict) {
    Result r = vjp_core(many(f), {x}, v, create_graph, strict, {"vjp", false, true});
    return {r.output, r.product[0]};
}

OutputAndProduct<Tensor, Tensor> jvp(const OneToOne& f, const Tensor& x, const Tensor& v,
                                     bool create_graph, bool strict) {
    Result r = jvp_core(many(f), {x}, many(v), create_graph, strict, {"jvp", false, false});
    return {r.output[0], r.product[0]};
}

Result jvp(const ManyToMany& f, const std::vector<Tensor>& x, const std::vector<Tensor>& v,
           bool create_graph, bool strict) {
    return jvp_core(f, x, v, create_graph, strict, {"jvp", true, true});
}

OutputAndProduct<Tensor, Tensor> jvp(const ManyToOne& f, const std::vector<Tensor>& x,
                                     const std::vector<Tensor>& v, bool create_graph,
                                     bool strict) {
    Result r = jvp_core(many(f), x, v, create_graph, strict, {"jvp", true, false});
    return {r.output[0], r.product[0]};
}

Result jvp(const OneToMany& f, const Tensor& x, const Tensor& v, bool create_graph, bool strict) {
    return jvp_core(many(f), {x}, many(v), create_graph, strict, {"jvp", false, true});
}

OutputAndProduct<Tensor, Tensor> hvp(const OneToOne& f, const Tensor& x, const Tensor& v,
                                     bool create_graph, bool strict) {
    auto r = hvp_core(one_input_of(f), {x}, many(v), create_graph, strict, {"hvp", false, false});
    return {r.output, r.product[0]};
}

OutputAndProduct<Tensor, std::vector<Tensor>> hvp(const ManyToOne& f, const std::vector<Tensor>& x,
                                                  const std::vector<Tensor>& v, bool create_graph,
                                                  bool strict) {
    return hvp_core(f, x, v, create_graph, strict, {"hvp", true, false});
}

OutputAndProduct<Tensor, Tensor> vhp(const OneToOne& f, const Tensor& x, const Tensor& v,
                                     bool create_graph, bool strict) {
    auto r = vhp_core(one_input_of(f), {x}, many(v), create_graph, strict, {"vhp", false, false});
    return {r.output, r.product[0]};
}

OutputAndProduct<Tensor, std::vector<Tensor>> vhp(const ManyToOne& f, const std::vector<Tensor>& x,
                                                  const std::vector<Tensor>& v, bool create_graph,
                                                  bool strict) {
    return vhp_core(f, x, v, create_graph, strict, {"vhp", true, false});
}

}  // namespace xgrad::functional
