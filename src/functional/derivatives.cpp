// torch.autograd.functional on xgrad::grad: every public overload adapts its function to one of
// several tensors returning several, runs the matching core below and unpacks the result. The
// cores follow PyTorch 1.13's functional.py step by step, including where strict mode checks;
// bookkeeping.hpp holds the steps they share.
#include <string>

#include "functional/bookkeeping.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"
#include "xgrad/functional.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::functional {
namespace {

using namespace detail;

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
                        throw GraphError(
                            std::string(call.api) + " (strict): output " + std::to_string(i) +
                            " of the function is independent of input " + std::to_string(j));
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
    product = fill_in_zeros(std::move(product), outputs, strict, create_graph, Stage::back_trick,
                            call.api);
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
    product = fill_in_zeros(std::move(product), g.x, strict, create_graph, Stage::double_back_trick,
                            call.api);
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

std::vector<Tensor> jacobian(const OneToMany& f, const Tensor& x, bool create_graph, bool strict) {
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
    return hessian_core(one_input_of(f), {x}, create_graph, strict,
                        {"hessian", false, false})[0][0];
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
                                                  const Tensor& v, bool create_graph, bool strict) {
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
                                     const std::vector<Tensor>& v, bool create_graph, bool strict) {
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
