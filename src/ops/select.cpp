// Ops that pick or join entries along an axis: slice, index_select, gather, concat, stack. A
// tensor is viewed as (outer, axis, inner) blocks so every op copies contiguous runs.
#include <algorithm>
#include <cstring>

#include "ops/common.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad {
using detail::element_t;
using detail::Grads;
using detail::Inputs;

namespace {
/// A tensor of shape S seen as [outer][S[axis]][inner].
struct AxisView {
    std::size_t outer, length, inner;
    AxisView(const Shape& shape, std::size_t axis)
        : outer(detail::product(shape, 0, axis)),
          length(shape[axis]),
          inner(detail::product(shape, axis + 1, shape.size())) {}
};

Shape with_axis(Shape shape, std::size_t axis, std::size_t length) {
    shape[axis] = length;
    return shape;
}

/// out[o][j][:] = x[o][rows[j]][:]   (a gather of whole inner blocks along the axis)
Array take_rows(const Tensor& x, std::size_t axis, const std::vector<std::size_t>& rows) {
    const AxisView v(x.shape(), axis);
    return detail::apply(x, [&](const auto& a) {
        using T = element_t<decltype(a)>;
        xt::xarray<T> r = detail::new_array<T>(with_axis(x.shape(), axis, rows.size()));
        for (std::size_t o = 0; o < v.outer; ++o)
            for (std::size_t j = 0; j < rows.size(); ++j)
                std::copy_n(a.data() + (o * v.length + rows[j]) * v.inner, v.inner,
                            r.data() + (o * rows.size() + j) * v.inner);
        return r;
    });
}

/// The reverse of take_rows: zeros of `shape` with g's blocks added at `rows` (repeats add up).
Tensor put_rows(const Tensor& g, const Shape& shape, std::size_t axis,
                std::shared_ptr<const std::vector<std::size_t>> rows);

Tensor take_rows_op(const char* op, const Tensor& x, std::size_t axis,
                    std::shared_ptr<const std::vector<std::size_t>> rows) {
    return make_op(op, take_rows(x, axis, *rows), {x},
                   [axis, rows](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{put_rows(g, in[0].shape(), axis, rows)};
                   });
}

Tensor put_rows(const Tensor& g, const Shape& shape, std::size_t axis,
                std::shared_ptr<const std::vector<std::size_t>> rows) {
    const AxisView v(shape, axis);
    Array value = detail::apply(g, [&](const auto& a) {
        using T = element_t<decltype(a)>;
        xt::xarray<T> r = xt::zeros<T>(shape);
        for (std::size_t o = 0; o < v.outer; ++o)
            for (std::size_t j = 0; j < rows->size(); ++j) {
                const T* src = a.data() + (o * rows->size() + j) * v.inner;
                T* dst = r.data() + (o * v.length + (*rows)[j]) * v.inner;
                for (std::size_t i = 0; i < v.inner; ++i) dst[i] += src[i];
            }
        return r;
    });
    return make_op("put_rows", std::move(value), {g},
                   [axis, rows](const Tensor& gg, const Tensor&, const Inputs&) {
                       return Grads{take_rows_op("take_rows", gg, axis, rows)};
                   });
}
}  // namespace

Tensor slice(const Tensor& x, std::ptrdiff_t axis, std::ptrdiff_t start, std::ptrdiff_t stop,
             std::ptrdiff_t step) {
    const std::size_t ax = detail::normalize_axis("slice", axis, x.dim());
    if (step <= 0) throw ValueError("slice: step must be positive, got " + std::to_string(step));
    const auto length = static_cast<std::ptrdiff_t>(x.shape()[ax]);
    // Python's slice rules: negative bounds count from the end, then clip to [0, length].
    auto clip = [length](std::ptrdiff_t i) {
        if (i < 0) i += length;
        return std::clamp<std::ptrdiff_t>(i, 0, length);
    };
    auto rows = std::make_shared<std::vector<std::size_t>>();
    for (std::ptrdiff_t i = clip(start); i < clip(stop); i += step)
        rows->push_back(static_cast<std::size_t>(i));
    return take_rows_op("slice", x, ax, rows);
}

Tensor index_select(const Tensor& x, std::ptrdiff_t axis,
                    const std::vector<std::int64_t>& indices) {
    const std::size_t ax = detail::normalize_axis("index_select", axis, x.dim());
    const auto length = static_cast<std::int64_t>(x.shape()[ax]);
    auto rows = std::make_shared<std::vector<std::size_t>>();
    rows->reserve(indices.size());
    for (auto index : indices) {
        if (index < -length || index >= length)
            throw IndexError("index_select: index " + std::to_string(index) +
                             " is out of range for axis " + std::to_string(axis) + " of shape " +
                             shape_str(x.shape()) + " (expected -" + std::to_string(length) +
                             " <= index < " + std::to_string(length) + ")");
        rows->push_back(static_cast<std::size_t>(index < 0 ? index + length : index));
    }
    return take_rows_op("index_select", x, ax, rows);
}

namespace {
/// Flat offsets into x of every element of `index` (PyTorch's gather addressing), validated.
std::shared_ptr<const std::vector<std::size_t>> gather_offsets(const Tensor& x, std::size_t axis,
                                                               const IndexArray& index) {
    const Shape& shape = x.shape();
    if (index.dimension() != shape.size())
        throw ShapeError("gather: index has " + std::to_string(index.dimension()) +
                         " dimensions but the input " + shape_str(shape) + " has " +
                         std::to_string(shape.size()) + " (expected the same)");
    for (std::size_t d = 0; d < shape.size(); ++d)
        if (d != axis && index.shape()[d] > shape[d])
            throw ShapeError("gather: index shape " +
                             shape_str(Shape(index.shape().begin(), index.shape().end())) +
                             " exceeds input shape " + shape_str(shape) + " at axis " +
                             std::to_string(d));
    auto offsets = std::make_shared<std::vector<std::size_t>>(index.size());
    std::vector<std::size_t> strides(shape.size(), 1);
    for (std::size_t d = shape.size(); d-- > 1;) strides[d - 1] = strides[d] * shape[d];
    std::vector<std::size_t> position(shape.size(), 0);
    const auto length = static_cast<std::int64_t>(shape[axis]);
    for (std::size_t flat = 0; flat < index.size(); ++flat) {
        const std::int64_t i = index.data()[flat];
        if (i < 0 || i >= length)
            throw IndexError("gather: index " + std::to_string(i) + " is out of range for axis " +
                             std::to_string(axis) + " of size " + std::to_string(length));
        std::size_t offset = 0;
        for (std::size_t d = 0; d < shape.size(); ++d)
            offset += (d == axis ? static_cast<std::size_t>(i) : position[d]) * strides[d];
        (*offsets)[flat] = offset;
        for (std::size_t d = shape.size(); d-- > 0;) {  // next position in index, row-major
            if (++position[d] < index.shape()[d]) break;
            position[d] = 0;
        }
    }
    return offsets;
}

Tensor scatter_add(const Tensor& g, const Shape& shape,
                   std::shared_ptr<const std::vector<std::size_t>> offsets,
                   const Shape& index_shape);

Tensor gather_flat(const char* op, const Tensor& x,
                   std::shared_ptr<const std::vector<std::size_t>> offsets,
                   const Shape& index_shape) {
    Array value = detail::apply(x, [&](const auto& a) {
        using T = element_t<decltype(a)>;
        xt::xarray<T> r = detail::new_array<T>(index_shape);
        for (std::size_t k = 0; k < offsets->size(); ++k) r.data()[k] = a.data()[(*offsets)[k]];
        return r;
    });
    return make_op(op, std::move(value), {x},
                   [offsets, index_shape](const Tensor& g, const Tensor&, const Inputs& in) {
                       return Grads{scatter_add(g, in[0].shape(), offsets, index_shape)};
                   });
}

Tensor scatter_add(const Tensor& g, const Shape& shape,
                   std::shared_ptr<const std::vector<std::size_t>> offsets,
                   const Shape& index_shape) {
    Array value = detail::apply(g, [&](const auto& a) {
        using T = element_t<decltype(a)>;
        xt::xarray<T> r = xt::zeros<T>(shape);
        for (std::size_t k = 0; k < offsets->size(); ++k) r.data()[(*offsets)[k]] += a.data()[k];
        return r;
    });
    return make_op("scatter_add", std::move(value), {g},
                   [offsets, index_shape](const Tensor& gg, const Tensor&, const Inputs&) {
                       return Grads{gather_flat("gather", gg, offsets, index_shape)};
                   });
}
}  // namespace

Tensor gather(const Tensor& x, std::ptrdiff_t axis, const IndexArray& index) {
    const std::size_t ax = detail::normalize_axis("gather", axis, x.dim());
    return gather_flat("gather", x, gather_offsets(x, ax, index),
                       Shape(index.shape().begin(), index.shape().end()));
}

Tensor concat(const std::vector<Tensor>& tensors, std::ptrdiff_t axis) {
    if (tensors.empty()) throw ValueError("concat: expected at least one tensor");
    check_same_dtype("concat", tensors);
    const Shape& first = tensors.front().shape();
    const std::size_t ax = detail::normalize_axis("concat", axis, first.size());
    std::size_t total = 0;
    for (const auto& t : tensors) {
        bool fits = t.dim() == first.size();
        for (std::size_t d = 0; fits && d < first.size(); ++d)
            fits = d == ax || t.shape()[d] == first[d];
        if (!fits)
            throw ShapeError("concat: shape " + shape_str(t.shape()) + " does not fit " +
                             shape_str(first) + " along axis " + std::to_string(axis) +
                             " (expected equal sizes on every other axis)");
        total += t.shape()[ax];
    }
    const Shape out_shape = with_axis(first, ax, total);
    const AxisView out(out_shape, ax);
    Array value = detail::apply(tensors.front(), [&](const auto& first_array) {
        using T = element_t<decltype(first_array)>;
        xt::xarray<T> r = detail::new_array<T>(out_shape);
        std::size_t offset = 0;
        for (const auto& t : tensors) {
            const auto& a = std::get<xt::xarray<T>>(array_of(t));
            const std::size_t block = t.shape()[ax] * out.inner;
            for (std::size_t o = 0; o < out.outer; ++o)
                std::copy_n(a.data() + o * block, block,
                            r.data() + (o * out.length) * out.inner + offset);
            offset += block;
        }
        return r;
    });
    Tensor y = make_op("concat", std::move(value), tensors,
                       [ax](const Tensor& g, const Tensor&, const Inputs& in) {
                           Grads grads;
                           std::ptrdiff_t start = 0;
                           for (const auto& t : in) {
                               const auto length = static_cast<std::ptrdiff_t>(t.shape()[ax]);
                               grads.push_back(t.requires_grad()
                                                   ? slice(g, static_cast<std::ptrdiff_t>(ax),
                                                           start, start + length)
                                                   : Tensor());
                               start += length;
                           }
                           return grads;
                       });
    if (OpTrace* trace = OpTrace::current())
        trace->record(y, "concat", tensors, {{"axis", static_cast<std::int64_t>(ax)}});
    return y;
}

Tensor stack(const std::vector<Tensor>& tensors, std::ptrdiff_t axis) {
    if (tensors.empty()) throw ValueError("stack: expected at least one tensor");
    for (const auto& t : tensors)
        if (t.shape() != tensors.front().shape())
            throw ShapeError("stack: shape " + shape_str(t.shape()) + " differs from " +
                             shape_str(tensors.front().shape()) + " (expected one shape for all)");
    const std::size_t at = detail::normalize_axis("stack", axis, tensors.front().dim() + 1);
    std::vector<Tensor> expanded;
    for (const auto& t : tensors) expanded.push_back(unsqueeze(t, static_cast<std::ptrdiff_t>(at)));
    return concat(expanded, static_cast<std::ptrdiff_t>(at));
}

}  // namespace xgrad
