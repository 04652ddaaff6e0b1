// Reshaping, permuting and broadcasting, each forward beside its backward.
#include "xgrad/ops/shape.hpp"

#include <algorithm>
#include <numeric>
#include <xtensor/xbroadcast.hpp>

#include "ops/common.hpp"
#include "ops/permuted_copy.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/parallel.hpp"

namespace xgrad {
using detail::apply;
using detail::element_t;
using detail::Grads;
using detail::Inputs;

Tensor reshape(const Tensor& x, const Shape& shape) {
    if (detail::product(shape, 0, shape.size()) != x.numel())
        throw ShapeError("reshape: cannot reshape " + shape_str(x.shape()) + " (" +
                         std::to_string(x.numel()) + " elements) to " + shape_str(shape) +
                         " (expected the same number of elements)");
    if (shape == x.shape()) return x;
    return make_op("reshape",
                   apply(x,
                         [&](const auto& a) {
                             // A pooled buffer: a per-update reshape (a sum's gradient, a
                             // flatten) would otherwise allocate on every call.
                             auto r = detail::new_array<element_t<decltype(a)>>(shape);
                             std::copy_n(a.data(), a.size(), r.data());
                             return r;
                         }),
                   {x}, [](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{reshape(g, in[0].shape())};
                   });
}

Tensor flatten(const Tensor& x, std::ptrdiff_t start_axis, std::ptrdiff_t end_axis) {
    if (x.dim() == 0) return reshape(x, {1});
    const std::size_t start = detail::normalize_axis("flatten", start_axis, x.dim());
    const std::size_t end = detail::normalize_axis("flatten", end_axis, x.dim());
    if (start > end)
        throw ValueError("flatten: start axis " + std::to_string(start_axis) +
                         " comes after end axis " + std::to_string(end_axis) + " for shape " +
                         shape_str(x.shape()));
    Shape shape(x.shape().begin(), x.shape().begin() + start);
    shape.push_back(detail::product(x.shape(), start, end + 1));
    shape.insert(shape.end(), x.shape().begin() + end + 1, x.shape().end());
    return reshape(x, shape);
}

Tensor unsqueeze(const Tensor& x, std::ptrdiff_t axis) {
    const std::size_t at = detail::normalize_axis("unsqueeze", axis, x.dim() + 1);
    Shape shape = x.shape();
    shape.insert(shape.begin() + at, 1);
    return reshape(x, shape);
}

Tensor squeeze(const Tensor& x, std::ptrdiff_t axis) {
    // torch's squeeze(dim): a 0-d tensor has the axes -1 and 0 (and keeps being 0-d); an axis
    // that is not of size 1 is left in place.
    const std::size_t at =
        detail::normalize_axis("squeeze", axis, std::max<std::size_t>(x.dim(), 1));
    if (x.dim() == 0 || x.shape()[at] != 1) return x;
    Shape shape = x.shape();
    shape.erase(shape.begin() + at);
    return reshape(x, shape);
}

Tensor squeeze(const Tensor& x) {
    Shape shape;
    for (auto size : x.shape())
        if (size != 1) shape.push_back(size);
    return reshape(x, shape);
}

Tensor permute(const Tensor& x, const Axes& permutation) {
    if (permutation.size() != x.dim())
        throw ValueError("permute: got " + std::to_string(permutation.size()) + " axes for shape " +
                         shape_str(x.shape()) + " (expected one per dimension)");
    std::vector<std::size_t> perm, inverse(x.dim());
    std::vector<bool> seen(x.dim(), false);
    for (auto axis : permutation) {
        const std::size_t a = detail::normalize_axis("permute", axis, x.dim());
        if (seen[a]) throw ValueError("permute: axis " + std::to_string(axis) + " is repeated");
        seen[a] = true;
        inverse[a] = perm.size();
        perm.push_back(a);
    }
    Shape shape(perm.size());
    for (std::size_t j = 0; j < perm.size(); ++j) shape[j] = x.shape()[perm[j]];
    Tensor y = make_op("permute",
                       apply(x,
                             [&](const auto& a) {
                                 auto out = detail::new_array<element_t<decltype(a)>>(shape);
                                 detail::permuted_copy(a.data(), x.shape(), perm, out.data());
                                 return out;
                             }),
                       {x}, [inverse](const Tensor& g, const Tensor&, const Inputs&) {
                           return Grads{permute(g, Axes(inverse.begin(), inverse.end()))};
                       });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "permute", {x},
                      {{"perm", std::vector<std::int64_t>(perm.begin(), perm.end())}});
    return y;
}

Tensor transpose(const Tensor& x, std::ptrdiff_t axis0, std::ptrdiff_t axis1) {
    const std::size_t a0 = detail::normalize_axis("transpose", axis0, x.dim());
    const std::size_t a1 = detail::normalize_axis("transpose", axis1, x.dim());
    Axes perm(x.dim());
    std::iota(perm.begin(), perm.end(), 0);
    std::swap(perm[a0], perm[a1]);
    return permute(x, perm);
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
    if (detail::broadcast_shapes("broadcast_to", x.shape(), shape) != shape)
        throw ShapeError("broadcast_to: cannot broadcast " + shape_str(x.shape()) + " to " +
                         shape_str(shape));
    if (shape == x.shape()) return x;
    return make_op("broadcast_to",
                   apply(x,
                         [&](const auto& a) {
                             using T = element_t<decltype(a)>;
                             xt::xarray<T> out = detail::new_array<T>(shape);
                             if (a.size() == 1) {  // a sum's gradient: much faster than a stepper
                                 const T v = *a.data();
                                 T* o = out.data();
                                 detail::parallel_for(out.size(),
                                                      [&](std::size_t begin, std::size_t end) {
                                                          std::fill(o + begin, o + end, v);
                                                      });
                             } else {
                                 xt::noalias(out) = xt::broadcast(a, shape);
                             }
                             return out;
                         }),
                   {x}, [](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{sum_to(g, in[0].shape())};
                   });
}

}  // namespace xgrad
