// Reductions and sum_to (the reverse of broadcasting), each forward beside its backward.
#include "xgrad/ops/reduce.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xsort.hpp>

#include "ops/common.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/ops/sort.hpp"
#include "xgrad/parallel.hpp"

namespace xgrad {
using detail::apply;
using detail::constant;
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
/// Axis lists in a small inline buffer: a reduction allocates nothing for them.
using AxisList = xt::svector<std::size_t, 8>;

/// Sorted, unique, non-negative axes; all axes when `axes` is empty.
AxisList reduction_axes(const char* op, const Axes& axes, std::size_t ndim) {
    AxisList result;
    if (axes.empty()) {
        for (std::size_t i = 0; i < ndim; ++i) result.push_back(i);
        return result;
    }
    for (auto axis : axes) result.push_back(detail::normalize_axis(op, axis, ndim));
    std::sort(result.begin(), result.end());
    if (std::adjacent_find(result.begin(), result.end()) != result.end())
        throw ValueError(std::string(op) + ": an axis is repeated in the axis list");
    return result;
}

/// `shape` with the reduced axes set to 1 (keepdims) or removed.
Shape reduced_shape(const Shape& shape, const AxisList& axes, bool keepdims) {
    Shape result;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const bool reduced = std::binary_search(axes.begin(), axes.end(), i);
        if (!reduced)
            result.push_back(shape[i]);
        else if (keepdims)
            result.push_back(1);
    }
    return result;
}

/// Σ of n contiguous values in 16 independent partial sums: vectorised without reassociating
/// the compiler's way (no -ffast-math), and more accurate than one running sum.
template <class T>
T sum_contiguous(const T* in, std::size_t n) {
    constexpr std::size_t kLanes = 16;
    T lanes[kLanes] = {};
    std::size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::size_t k = 0; k < kLanes; ++k) lanes[k] += in[i + k];
    T tail = 0;
    for (; i < n; ++i) tail += in[i];
    for (std::size_t width = kLanes / 2; width > 0; width /= 2)
        for (std::size_t k = 0; k < width; ++k) lanes[k] += lanes[k + width];
    return lanes[0] + tail;
}

/// Σ of n contiguous values as partial sums of fixed blocks added in order: the blocks run in
/// parallel, and the result is the same for any thread count.
template <class T>
T sum_blocks(const T* in, std::size_t n) {
    constexpr std::size_t kBlock = 65536;
    if (n <= kBlock) return sum_contiguous(in, n);
    std::vector<T> partial((n + kBlock - 1) / kBlock);
    detail::parallel_for(
        partial.size(),
        [&](std::size_t first, std::size_t last) {
            for (std::size_t b = first; b < last; ++b)
                partial[b] = sum_contiguous(in + b * kBlock, std::min(kBlock, n - b * kBlock));
        },
        1, 1);
    T total = T(0);
    for (T p : partial) total += p;
    return total;
}

/// Σ over `axes` (sorted). Reducing leading axes (a bias gradient: rows summed into one) or every
/// axis runs as plain loops over contiguous rows, which the compiler vectorises; other patterns
/// go through xtensor's reducer.
Array sum_kernel(const Tensor& x, const AxisList& axes, const Shape& out_shape) {
    return apply(x, [&](const auto& a) {
        using T = element_t<decltype(a)>;
        const Shape& shape = a.shape();
        if (a.size() == 0) {  // every sum is empty: 0 (xtensor's reducer reads out of bounds)
            xt::xarray<T> r = detail::new_array<T>(out_shape);
            r.fill(T(0));
            return r;
        }
        bool leading = true;
        for (std::size_t i = 0; i < axes.size(); ++i) leading = leading && axes[i] == i;
        if (leading) {
            const std::size_t rows = detail::product(shape, 0, axes.size());
            const std::size_t cols = detail::product(shape, axes.size(), shape.size());
            xt::xarray<T> r = detail::new_array<T>(out_shape);
            T* out = r.data();
            const T* in = a.data();
            if (cols == 1) {
                *out = sum_blocks(in, rows);
                return r;
            }
            std::copy_n(in, cols, out);
            for (std::size_t i = 1; i < rows; ++i) {
                const T* row = in + i * cols;
                for (std::size_t j = 0; j < cols; ++j) out[j] += row[j];
            }
            return r;
        }
        xt::xarray<T> r = xt::sum(a, axes, xt::evaluation_strategy::immediate);
        r.reshape(out_shape);
        return r;
    });
}

/// Gradient of a reduction: g re-expanded to the input's shape. Broadcasting aligns trailing
/// axes, so g needs reshaping to `keep_shape` first only when a reduced axis that was dropped
/// sits after a kept one.
Tensor expand_back(const Tensor& g, const Shape& keep_shape, const Shape& input_shape,
                   bool reduced_axes_lead) {
    if (reduced_axes_lead || g.dim() == keep_shape.size()) return broadcast_to(g, input_shape);
    return broadcast_to(reshape(g, keep_shape), input_shape);
}

/// A set of axes as bits, small enough for a backward function's capture to stay inline.
class AxisSet {
public:
    static constexpr std::size_t kMaxAxes = 64;
    AxisSet(const char* op, const AxisList& axes, std::size_t ndim) {
        if (ndim > kMaxAxes)
            throw ValueError(std::string(op) + ": tensors of up to " + std::to_string(kMaxAxes) +
                             " dimensions can be reduced, got " + std::to_string(ndim));
        for (auto axis : axes) bits_ |= std::uint64_t(1) << axis;
    }
    /// Whether the axes are 0, 1, ..., k-1 (none counts too).
    bool leading() const { return (bits_ & (bits_ + 1)) == 0; }
    /// `shape` with these axes set to 1.
    Shape kept(Shape shape) const {
        for (std::size_t i = 0; i < shape.size(); ++i)
            if (bits_ >> i & 1) shape[i] = 1;
        return shape;
    }

private:
    std::uint64_t bits_ = 0;
};
}  // namespace

namespace {
/// Records a reduction over `axes` for an exporter.
template <class AxisList>
void trace_reduction(const Tensor& y, const char* op, const Tensor& x, const AxisList& axes,
                     bool keepdims) {
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, op, {x},
                      {{"axes", std::vector<std::int64_t>(axes.begin(), axes.end())},
                       {"keepdims", std::int64_t{keepdims}}});
}
}  // namespace

Tensor sum(const Tensor& x) { return sum(x, {}, false); }

Tensor sum(const Tensor& x, const Axes& axes, bool keepdims) {
    const auto reduce = reduction_axes("sum", axes, x.dim());
    const AxisSet reduced("sum", reduce, x.dim());
    Tensor y = make_op("sum", sum_kernel(x, reduce, reduced_shape(x.shape(), reduce, keepdims)),
                       {x}, [reduced](const Tensor& g, const Tensor&, const Inputs& in) {
                           return Grads{expand_back(g, reduced.kept(in[0].shape()), in[0].shape(),
                                                    reduced.leading())};
                       });
    trace_reduction(y, "sum", x, reduce, keepdims);
    return y;
}

Tensor mean(const Tensor& x) { return mean(x, {}, false); }

Tensor mean(const Tensor& x, const Axes& axes, bool keepdims) {
    const auto reduce = reduction_axes("mean", axes, x.dim());
    std::size_t count = 1;
    for (auto axis : reduce) count *= x.shape()[axis];
    Tensor y = sum(x, axes, keepdims) / static_cast<double>(count);
    trace_reduction(y, "mean", x, reduce, keepdims);
    return y;
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
    const Shape& from = x.shape();
    const std::size_t lead = from.size() >= shape.size() ? from.size() - shape.size() : 0;
    bool compatible = from.size() >= shape.size();
    AxisList reduce;
    for (std::size_t i = 0; compatible && i < from.size(); ++i) {
        if (i < lead)
            reduce.push_back(i);
        else if (shape[i - lead] == 1 && from[i] != 1)
            reduce.push_back(i);
        else
            compatible = shape[i - lead] == from[i];
    }
    if (!compatible)
        throw ShapeError("sum_to: cannot sum shape " + shape_str(from) + " down to " +
                         shape_str(shape) + " (expected a shape that broadcasts to " +
                         shape_str(from) + ")");
    return make_op("sum_to", sum_kernel(x, reduce, shape), {x},
                   [](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{broadcast_to(g, in[0].shape())};
                   });
}

Tensor max(const Tensor& x) {
    if (x.numel() == 0) throw ValueError("max: the tensor is empty, so it has no maximum");
    return make_op(
        "max",
        apply(x, [](const auto& a) { return xt::amax(a, xt::evaluation_strategy::immediate); }),
        {x}, [](const Tensor& g, const Tensor& out, const Inputs& in) {
            // Ties share the gradient evenly, as in PyTorch's max() over all elements.
            const Tensor is_max = eq(in[0], out.detach());
            return Grads{g * (is_max / sum(is_max).item())};
        });
}

Tensor max(const Tensor& x, std::ptrdiff_t axis, bool keepdims) {
    return max_with_indices(x, axis, keepdims).values;
}

Tensor min(const Tensor& x) { return -max(-x); }

Tensor min(const Tensor& x, std::ptrdiff_t axis, bool keepdims) {
    return min_with_indices(x, axis, keepdims).values;
}

Tensor logsumexp(const Tensor& x, const Axes& axes, bool keepdims) {
    const auto reduce = reduction_axes("logsumexp", axes, x.dim());
    // Shift by the (constant) maximum so exp never overflows; the shift does not change the value
    // or the gradient. An all -inf slice keeps shift 0 so that it yields -inf, not NaN.
    const Tensor shift = constant(apply(x, [&](const auto& a) {
        return detail::finite_max(a, reduce, reduced_shape(a.shape(), reduce, true));
    }));
    const Tensor result = log(sum(exp(x - shift), axes, true)) + shift;
    return keepdims ? result : reshape(result, reduced_shape(x.shape(), reduce, false));
}

}  // namespace xgrad
