// Ops that order or pick elements by value along an axis: max/min with indices, argmax/argmin,
// sort and topk. Each finds, per slice along the axis, the positions it keeps; the values are then
// a gather by those positions (ops/index_map.hpp), whose gradient scatters back to them.
#include "xgrad/ops/sort.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ops/common.hpp"
#include "ops/index_map.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad {
using detail::element_t;

namespace {
/// torch 1.13's order: NaN above every number, so it comes first in max and in a descending sort.
template <class T>
bool above(T a, T b) {
    return (std::isnan(a) && !std::isnan(b)) || a > b;
}
template <class T>
bool below(T a, T b) {
    return (!std::isnan(a) && std::isnan(b)) || a < b;
}

/// The positions kept along the axis, for every slice: what max, sort and topk share.
struct Picked {
    detail::IndexMap map;  ///< flat offset into x of every output element
    Array indices;         ///< the position along the axis of every output element, as x's dtype
};

/// Runs `choose(first, stride, n, positions)` on every slice of x along `axis` (n elements, the
/// first at `first`, `stride` apart); it writes the k positions to keep into `positions`. The
/// outputs have shape `out_shape` (x's shape with k along the axis, or without the axis for k = 1).
template <class Choose>
Picked pick_along(const Tensor& x, std::size_t axis, std::size_t k, const Shape& out_shape,
                  Choose choose) {
    const Shape& shape = x.shape();
    const std::size_t outer = detail::product(shape, 0, axis), n = shape[axis],
                      inner = detail::product(shape, axis + 1, shape.size());
    auto map = detail::new_index_map(outer * k * inner);
    Array indices = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> positions_out = detail::new_array<T>(out_shape);
            std::vector<std::size_t> positions(k);
            for (std::size_t o = 0; o < outer; ++o)
                for (std::size_t i = 0; i < inner; ++i) {
                    const std::size_t base = o * n * inner + i;
                    choose(a.data() + base, inner, n, positions.data());
                    for (std::size_t j = 0; j < k; ++j) {
                        const std::size_t out = (o * k + j) * inner + i;
                        (*map)[out] = static_cast<std::int64_t>(base + positions[j] * inner);
                        positions_out.data()[out] = static_cast<T>(positions[j]);
                    }
                }
            return positions_out;
        },
        array_of(x));
    return {std::move(map), std::move(indices)};
}

ValuesIndices values_and_indices(const char* op, const Tensor& x, Picked picked,
                                 const Shape& out_shape) {
    return {detail::gather_by_map(op, x, picked.map, out_shape),
            detail::constant(std::move(picked.indices))};
}

/// The first extreme along the axis: `better(a, b)` says a beats b (strictly, so ties keep the
/// first).
template <class Better>
ValuesIndices extreme(const char* op, const Tensor& x, std::ptrdiff_t axis, bool keepdims,
                      Better better) {
    const std::size_t ax = detail::normalize_axis(op, axis, x.dim());
    if (x.shape()[ax] == 0)
        throw ValueError(std::string(op) + ": axis " + std::to_string(axis) + " of shape " +
                         shape_str(x.shape()) + " is empty, so it has no extreme value");
    Shape out_shape = x.shape();
    if (keepdims)
        out_shape[ax] = 1;
    else
        out_shape.erase(out_shape.begin() + static_cast<std::ptrdiff_t>(ax));
    auto picked =
        pick_along(x, ax, 1, out_shape,
                   [&](const auto* v, std::size_t stride, std::size_t n, std::size_t* positions) {
                       std::size_t best = 0;
                       for (std::size_t j = 1; j < n; ++j)
                           if (better(v[j * stride], v[best * stride])) best = j;
                       positions[0] = best;
                   });
    return values_and_indices(op, x, std::move(picked), out_shape);
}

const auto kGreater = [](auto a, auto b) { return above(a, b); };
const auto kLess = [](auto a, auto b) { return below(a, b); };
/// min's order: the smaller wins, and NaN wins over every number (torch's min propagates NaN
/// like its max).
const auto kSmallerOrNan = [](auto a, auto b) {
    return (std::isnan(a) && !std::isnan(b)) || a < b;
};

/// The k first positions of the slice in the order `before` (stable: ties keep their order).
template <class Before>
ValuesIndices ordered(const char* op, const Tensor& x, std::size_t ax, std::size_t k,
                      Before before) {
    Shape out_shape = x.shape();
    out_shape[ax] = k;
    const std::size_t n = x.shape()[ax];
    std::vector<std::size_t> order(n);
    auto picked = pick_along(
        x, ax, k, out_shape, [&](const auto* v, std::size_t stride, std::size_t, std::size_t* out) {
            std::iota(order.begin(), order.end(), std::size_t(0));
            std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
                return before(v[i * stride], v[j * stride]);
            });
            std::copy_n(order.begin(), k, out);
        });
    return values_and_indices(op, x, std::move(picked), out_shape);
}
}  // namespace

ValuesIndices max_with_indices(const Tensor& x, std::ptrdiff_t axis, bool keepdims) {
    return extreme("max_with_indices", x, axis, keepdims, kGreater);
}

ValuesIndices min_with_indices(const Tensor& x, std::ptrdiff_t axis, bool keepdims) {
    return extreme("min_with_indices", x, axis, keepdims, kSmallerOrNan);
}

Tensor argmax(const Tensor& x, std::ptrdiff_t axis, bool keepdims) {
    return extreme("argmax", x.detach(), axis, keepdims, kGreater).indices;
}

Tensor argmin(const Tensor& x, std::ptrdiff_t axis, bool keepdims) {
    return extreme("argmin", x.detach(), axis, keepdims, kSmallerOrNan).indices;
}

Tensor argmax(const Tensor& x) {
    if (x.numel() == 0) throw ValueError("argmax: the tensor is empty, so it has no maximum");
    return argmax(reshape(x.detach(), {x.numel()}), 0);
}

Tensor argmin(const Tensor& x) {
    if (x.numel() == 0) throw ValueError("argmin: the tensor is empty, so it has no minimum");
    return argmin(reshape(x.detach(), {x.numel()}), 0);
}

ValuesIndices sort(const Tensor& x, std::ptrdiff_t axis, bool descending) {
    if (x.dim() == 0) return {x * 1.0, zeros_like(x)};  // torch sorts a 0-d tensor as itself
    const std::size_t ax = detail::normalize_axis("sort", axis, x.dim());
    const std::size_t n = x.shape()[ax];
    return descending ? ordered("sort", x, ax, n, kGreater) : ordered("sort", x, ax, n, kLess);
}

ValuesIndices topk(const Tensor& x, std::size_t k, std::ptrdiff_t axis, bool largest) {
    const std::size_t ax = detail::normalize_axis("topk", axis, x.dim());
    if (k > x.shape()[ax])
        throw ValueError("topk: k = " + std::to_string(k) + " is larger than axis " +
                         std::to_string(axis) + " of shape " + shape_str(x.shape()) +
                         " (expected k <= " + std::to_string(x.shape()[ax]) + ")");
    return largest ? ordered("topk", x, ax, k, kGreater) : ordered("topk", x, ax, k, kLess);
}

}  // namespace xgrad
