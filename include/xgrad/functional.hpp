#pragma once
/// \file functional.hpp
/// Derivatives of whole functions, with torch.autograd.functional's semantics: jacobian, hessian,
/// vector-Jacobian (vjp), Jacobian-vector (jvp), Hessian-vector (hvp) and vector-Hessian (vhp)
/// products, over functions of one tensor or of several.
///
/// Shapes. For f: R^{a...} -> R^{b...} (input shape a..., output shape b...), the Jacobian has
/// shape (b..., a...): entry [i..., j...] is d f[i...] / d x[j...]. With several inputs x_j and
/// outputs f_i, jacobian returns J[i][j] of shape (f_i.shape..., x_j.shape...), and hessian of a
/// scalar f returns H[i][j] of shape (x_i.shape..., x_j.shape...). vjp(f, x, v) takes v of the
/// output's shape and returns a tensor of the input's shape; jvp(f, x, v) takes v of the input's
/// shape and returns one of the output's shape; hvp and vhp take and return the input's shape.
///
/// Options, as in PyTorch. The inputs are detached from any graph they belong to, unless
/// create_graph is set and they require grad: then the results stay differentiable, with respect
/// to the inputs (and to v), so that a Jacobian can be differentiated again. Without create_graph
/// the results, and the returned outputs, are detached. An output that does not depend on an
/// input contributes zeros; with strict, it is a GraphError instead (as are the other cases
/// torch's strict mode refuses, such as a Jacobian that does not depend on the input when
/// create_graph is set).
///
/// Errors: a v whose shape does not match is a ShapeError, one of another dtype a DTypeError, a
/// wrong number of v's or an omitted v where it cannot be implied a ValueError; a function given
/// to hessian, hvp or vhp that does not return a single-element tensor is a ShapeError naming
/// the shape it returned.
///
/// All of it is built on xgrad::grad with create_graph; jvp uses the double-vjp construction
/// (the vjp u -> J^T u is linear in u, so differentiating it with respect to u along v gives
/// J v), as PyTorch does. Cost: jacobian makes one backward pass per output element, hessian one
/// per input element for each of its two levels; the products make two or three passes.

#include <functional>
#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad::functional {

/// f: one tensor to one tensor.
using OneToOne = std::function<Tensor(const Tensor&)>;
/// f: several tensors to one tensor (torch's function of a tuple returning a tensor), e.g. a loss
/// of several parameters.
using ManyToOne = std::function<Tensor(const std::vector<Tensor>&)>;
/// f: one tensor to several tensors.
using OneToMany = std::function<std::vector<Tensor>(const Tensor&)>;
/// f: several tensors to several tensors (torch's tuple in, tuple out).
using ManyToMany = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

/// What vjp, jvp, vhp and hvp return, torch's (func_output, product) pair:
/// `auto [output, product] = vjp(f, x, v);`.
template <class Output, class Product>
struct OutputAndProduct {
    /// f at the inputs (detached unless create_graph).
    Output output;
    /// The product: vᵀJ, J v, vᵀH or H v.
    Product product;
};

/// The Jacobian of f at x, of shape (f(x).shape..., x.shape...). One backward pass per element of
/// f(x).
Tensor jacobian(const OneToOne& f, const Tensor& x, bool create_graph = false, bool strict = false);
/// The Jacobians of f with respect to each input: J[j] of shape (f(x).shape..., x[j].shape...).
std::vector<Tensor> jacobian(const ManyToOne& f, const std::vector<Tensor>& x,
                             bool create_graph = false, bool strict = false);
/// The Jacobian of each output with respect to x: J[i] of shape (f(x)[i].shape..., x.shape...).
std::vector<Tensor> jacobian(const OneToMany& f, const Tensor& x, bool create_graph = false,
                             bool strict = false);
/// J[i][j] = d f(x)[i] / d x[j], of shape (f(x)[i].shape..., x[j].shape...).
std::vector<std::vector<Tensor>> jacobian(const ManyToMany& f, const std::vector<Tensor>& x,
                                          bool create_graph = false, bool strict = false);

/// The Hessian of a scalar f at x, of shape (x.shape..., x.shape...). f must return a tensor
/// with a single element (any shape, e.g. () or (1,)); anything else is a ShapeError. With
/// strict, a Jacobian that does not depend on x (f linear) is a GraphError.
Tensor hessian(const OneToOne& f, const Tensor& x, bool create_graph = false, bool strict = false);
/// H[i][j] = d² f / d x[i] d x[j], of shape (x[i].shape..., x[j].shape...).
std::vector<std::vector<Tensor>> hessian(const ManyToOne& f, const std::vector<Tensor>& x,
                                         bool create_graph = false, bool strict = false);

/// f(x) and the vector-Jacobian product vᵀJ (the gradient of Σ v·f(x)), of x's shape. v has
/// f(x)'s shape; it may be left undefined when f(x) has a single element (then v = 1).
OutputAndProduct<Tensor, Tensor> vjp(const OneToOne& f, const Tensor& x, const Tensor& v = Tensor(),
                                     bool create_graph = false, bool strict = false);
/// f(x) and Σ_i v[i]ᵀ J[i][j] for each input j. v holds one tensor per output, of its shape, or is
/// empty when f returns one single-element tensor.
OutputAndProduct<std::vector<Tensor>, std::vector<Tensor>> vjp(const ManyToMany& f,
                                                               const std::vector<Tensor>& x,
                                                               const std::vector<Tensor>& v = {},
                                                               bool create_graph = false,
                                                               bool strict = false);
/// f(x) and vᵀJ[j] for each input j; v has f(x)'s shape (undefined for a single element).
OutputAndProduct<Tensor, std::vector<Tensor>> vjp(const ManyToOne& f, const std::vector<Tensor>& x,
                                                  const Tensor& v = Tensor(),
                                                  bool create_graph = false, bool strict = false);
/// f(x) and v[i]ᵀJ[i] summed over the outputs i, of x's shape.
OutputAndProduct<std::vector<Tensor>, Tensor> vjp(const OneToMany& f, const Tensor& x,
                                                  const std::vector<Tensor>& v = {},
                                                  bool create_graph = false, bool strict = false);

/// f(x) and the Jacobian-vector product J v, of f(x)'s shape: the directional derivative of f
/// along v. v has x's shape; it may be left undefined when x has a single element (then v = 1).
OutputAndProduct<Tensor, Tensor> jvp(const OneToOne& f, const Tensor& x, const Tensor& v = Tensor(),
                                     bool create_graph = false, bool strict = false);
/// f(x) and Σ_j J[i][j] v[j] for each output i. v holds one tensor per input, of its shape, or
/// is empty when x is one single-element tensor.
OutputAndProduct<std::vector<Tensor>, std::vector<Tensor>> jvp(const ManyToMany& f,
                                                               const std::vector<Tensor>& x,
                                                               const std::vector<Tensor>& v = {},
                                                               bool create_graph = false,
                                                               bool strict = false);
/// f(x) and Σ_j J[j] v[j], of f(x)'s shape.
OutputAndProduct<Tensor, Tensor> jvp(const ManyToOne& f, const std::vector<Tensor>& x,
                                     const std::vector<Tensor>& v = {}, bool create_graph = false,
                                     bool strict = false);
/// f(x) and J[i] v for each output i; v has x's shape.
OutputAndProduct<std::vector<Tensor>, std::vector<Tensor>> jvp(const OneToMany& f, const Tensor& x,
                                                               const Tensor& v = Tensor(),
                                                               bool create_graph = false,
                                                               bool strict = false);

/// f(x) and the Hessian-vector product H v for a scalar f, of x's shape (v has x's shape;
/// undefined only when x has one element). Computed as the derivative of the vjp of the
/// gradient (double backward), as PyTorch does; vhp is cheaper and equal when H is symmetric.
OutputAndProduct<Tensor, Tensor> hvp(const OneToOne& f, const Tensor& x, const Tensor& v = Tensor(),
                                     bool create_graph = false, bool strict = false);
/// f(x) and Σ_j H[i][j] v[j] for each input i.
OutputAndProduct<Tensor, std::vector<Tensor>> hvp(const ManyToOne& f, const std::vector<Tensor>& x,
                                                  const std::vector<Tensor>& v = {},
                                                  bool create_graph = false, bool strict = false);

/// f(x) and the vector-Hessian product vᵀH for a scalar f, of x's shape: the gradient of
/// ∇f(x)·v. v has x's shape (undefined only when x has one element).
OutputAndProduct<Tensor, Tensor> vhp(const OneToOne& f, const Tensor& x, const Tensor& v = Tensor(),
                                     bool create_graph = false, bool strict = false);
/// f(x) and Σ_i v[i]ᵀ H[i][j] for each input j.
OutputAndProduct<Tensor, std::vector<Tensor>> vhp(const ManyToOne& f, const std::vector<Tensor>& x,
                                                  const std::vector<Tensor>& v = {},
                                                  bool create_graph = false, bool strict = false);

}  // namespace xgrad::functional
