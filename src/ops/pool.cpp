// Pooling as windows over the last two axes: per output row and column, the input rows and
// columns the window reads (its taps) and, for averages, the divisor. Max pooling finds each
// window's argmax in one pass and is then a gather by that index map (ops/index_map.hpp), whose
// gradient scatter-adds to the argmax. Average pooling is linear: window_mean and its adjoint
// window_mean_adjoint are each other's gradient.
#include "xgrad/ops/pool.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "ops/common.hpp"
#include "ops/index_map.hpp"
#include "xgrad/op_trace.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/parallel.hpp"

namespace xgrad {
using detail::element_t;

namespace {

/// The input positions one window reads along one axis: first, first + step, ... (count of them,
/// all inside the input).
struct Taps {
    std::size_t first = 0, count = 0, step = 1;
    std::size_t operator[](std::size_t t) const { return first + t * step; }
};

/// The windows of a pooling over the last two axes of an input.
struct Windows {
    std::size_t height, width;
    /// taps_h[y]: the input rows window row y reads; taps_w likewise for columns.
    std::vector<Taps> taps_h, taps_w;
    /// divisor[y * out_w + x]: what the sum of window (y, x) is divided by (averages only).
    std::vector<double> divisor;
    std::size_t out_h() const { return taps_h.size(); }
    std::size_t out_w() const { return taps_w.size(); }
};
using WindowsPtr = std::shared_ptr<const Windows>;

std::string pair_str(Pair2 p) { return std::to_string(p.h) + "x" + std::to_string(p.w); }

/// PyTorch's pooling_output_shape.
std::size_t pooled_size(std::size_t size, std::size_t kernel, std::size_t stride, std::size_t pad,
                        std::size_t dilation, bool ceil_mode) {
    const std::int64_t span = static_cast<std::int64_t>(dilation * (kernel - 1) + 1);
    const std::int64_t room = static_cast<std::int64_t>(size + 2 * pad) - span +
                              (ceil_mode ? static_cast<std::int64_t>(stride) - 1 : 0);
    if (room < 0) return 0;
    std::size_t out = static_cast<std::size_t>(room) / stride + 1;
    if (ceil_mode && (out - 1) * stride >= size + pad) --out;
    return out;
}

/// Checks input rank and settings of a pool named `op` over input `shape`.
void check_pool(const std::string& op, const Shape& shape, Pair2 kernel, Pair2 stride,
                Pair2 padding, Pair2 dilation, bool one_d) {
    const std::size_t rank = shape.size();
    const std::size_t first = one_d ? 2 : 3;
    if (rank != first && rank != first + 1)
        throw ShapeError(op + ": expected a " + std::to_string(first) + "-D or " +
                         std::to_string(first + 1) + "-D input, got shape " + shape_str(shape));
    for (std::size_t a = 0; a + 2 < rank; ++a)
        if (shape[a] == 0) throw ShapeError(op + ": empty input " + shape_str(shape));
    if (kernel.h == 0 || kernel.w == 0 || stride.h == 0 || stride.w == 0 || dilation.h == 0 ||
        dilation.w == 0)
        throw ValueError(op + ": kernel_size " + pair_str(kernel) + ", stride " + pair_str(stride) +
                         " and dilation " + pair_str(dilation) + " must be positive");
    if (padding.h > kernel.h / 2 || padding.w > kernel.w / 2)
        throw ValueError(op + ": padding " + pair_str(padding) +
                         " must be at most half the kernel " + pair_str(kernel));
}

/// The taps of every window along one axis of `size`.
std::vector<Taps> axis_taps(std::size_t size, std::size_t out, std::size_t kernel,
                            std::size_t stride, std::size_t pad, std::size_t dilation) {
    std::vector<Taps> taps(out);
    for (std::size_t o = 0; o < out; ++o) {
        taps[o].step = dilation;
        for (std::size_t k = 0; k < kernel; ++k) {
            const std::int64_t i = static_cast<std::int64_t>(o * stride + k * dilation) -
                                   static_cast<std::int64_t>(pad);
            if (i < 0 || i >= static_cast<std::int64_t>(size)) continue;
            if (taps[o].count++ == 0) taps[o].first = static_cast<std::size_t>(i);
        }
    }
    return taps;
}

Windows sliding_windows(const std::string& op, const Shape& shape, Pair2 kernel, Pair2 stride,
                        Pair2 padding, Pair2 dilation, bool ceil_mode) {
    const std::size_t h = shape[shape.size() - 2], w = shape[shape.size() - 1];
    const std::size_t out_h = pooled_size(h, kernel.h, stride.h, padding.h, dilation.h, ceil_mode);
    const std::size_t out_w = pooled_size(w, kernel.w, stride.w, padding.w, dilation.w, ceil_mode);
    if (out_h == 0 || out_w == 0)
        throw ShapeError(op + ": the kernel " + pair_str(kernel) + " (dilation " +
                         pair_str(dilation) + ") is larger than the padded input " +
                         pair_str({h + 2 * padding.h, w + 2 * padding.w}) + " (input " +
                         shape_str(shape) + ", padding " + pair_str(padding) + ")");
    return {h,
            w,
            axis_taps(h, out_h, kernel.h, stride.h, padding.h, dilation.h),
            axis_taps(w, out_w, kernel.w, stride.w, padding.w, dilation.w),
            {}};
}

/// Calls f(offset) for the offset in its plane of every element of the window (rows, columns).
template <class F>
void for_each_tap(const Taps& rows, const Taps& columns, std::size_t width, F f) {
    for (std::size_t a = 0; a < rows.count; ++a) {
        const std::size_t row = rows[a] * width;
        for (std::size_t b = 0; b < columns.count; ++b) f(row + columns[b]);
    }
}

Shape pooled_shape(const Shape& in, const Windows& windows) {
    Shape out = in;
    out[out.size() - 2] = windows.out_h();
    out[out.size() - 1] = windows.out_w();
    return out;
}

/// The stride of windows along one axis that all read `count` taps from o * stride on (no
/// padding reached, no adaptive sizes), or 0 when they do not.
std::size_t regular_stride(const std::vector<Taps>& taps) {
    const std::size_t stride = taps.size() > 1 ? taps[1].first : 1;
    for (std::size_t o = 0; o < taps.size(); ++o)
        if (taps[o].first != o * stride || taps[o].count != taps[0].count || taps[o].count == 0)
            return 0;
    return stride;
}

/// take ? a : b without a branch (the maxima of a window are random, a branch mispredicts half
/// the time, and GCC branches on a float ?: here): a mask over the bits.
template <class T>
T select(bool take, T a, T b) {
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    Bits x, y;
    std::memcpy(&x, &a, sizeof x);
    std::memcpy(&y, &b, sizeof y);
    const Bits mask = Bits(0) - static_cast<Bits>(take);
    const Bits r = (x & mask) | (y & ~mask);
    T out;
    std::memcpy(&out, &r, sizeof out);
    return out;
}

/// The maximum of a window's taps window[r * row_step + c * column_step] and the offset of its
/// argmax in the window. The first maximum wins; a NaN propagates (PyTorch's rule).
template <std::size_t Rows, std::size_t Columns, class T>
T window_argmax(const T* window, std::size_t rows, std::size_t columns, std::size_t row_step,
                std::size_t column_step, std::size_t& at) {
    if constexpr (Rows != 0) rows = Rows;
    if constexpr (Columns != 0) columns = Columns;
    T best = window[0];
    std::size_t best_k = 0;
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < columns; ++c) {
            const std::size_t k = r * row_step + c * column_step;
            const T v = window[k];
            const bool take = (v > best) | (v != v);
            best = select(take, v, best);
            best_k = take ? k : best_k;
        }
    at = best_k;
    return best;
}

/// Max pooling of planes [begin, end) (height x width) whose windows are regular along both axes
/// (regular_stride), the common unpadded case: window (y, x) starts at (y stride_h, x stride_w).
/// Rows and Columns fix the kernel at compile time (0: the taps' count). `out` and `map` point
/// at plane `begin`'s outputs.
template <std::size_t Rows, std::size_t Columns, class T>
void regular_window_max(const T* in, std::size_t begin, std::size_t end, const Windows& w,
                        std::size_t stride_h, std::size_t stride_w, T* out, std::int64_t* map) {
    const std::size_t area = w.height * w.width, out_h = w.out_h(), out_w = w.out_w();
    const std::size_t rows = w.taps_h[0].count, columns = w.taps_w[0].count;
    const std::size_t row_step = w.taps_h[0].step * w.width, column_step = w.taps_w[0].step;
    for (std::size_t p = begin; p < end; ++p)
        for (std::size_t y = 0; y < out_h; ++y) {
            const std::size_t row = p * area + y * stride_h * w.width;
            for (std::size_t x = 0; x < out_w; ++x) {
                const std::size_t first = row + x * stride_w;
                std::size_t at;
                *out++ = window_argmax<Rows, Columns>(in + first, rows, columns, row_step,
                                                      column_step, at);
                *map++ = static_cast<std::int64_t>(first + at);
            }
        }
}

/// Max pooling of any windows (clipped by padding, adaptive) of planes [begin, end): -1 and 0 for
/// an empty window.
template <class T>
void any_window_max(const T* in, std::size_t begin, std::size_t end, const Windows& w, T* out,
                    std::int64_t* map) {
    const std::size_t area = w.height * w.width;
    for (std::size_t p = begin; p < end; ++p)
        for (std::size_t y = 0; y < w.out_h(); ++y)
            for (std::size_t x = 0; x < w.out_w(); ++x) {
                const Taps& rows = w.taps_h[y];
                const Taps& columns = w.taps_w[x];
                T best = T(0);
                std::int64_t index = -1;
                if (rows.count > 0 && columns.count > 0) {
                    const std::size_t first = p * area + rows.first * w.width + columns.first;
                    std::size_t at;
                    best = window_argmax<0, 0>(in + first, rows.count, columns.count,
                                               rows.step * w.width, columns.step, at);
                    index = static_cast<std::int64_t>(first + at);
                }
                *map++ = index;
                *out++ = best;
            }
}

/// Max pooling by `windows`: the maximum of every window and its argmax, the index map of the
/// gather that the op is.
Tensor window_max(const char* name, const Tensor& x, const Windows& windows) {
    const Shape out_shape = pooled_shape(x.shape(), windows);
    const std::size_t area = windows.height * windows.width;
    const std::size_t planes = area == 0 ? 0 : x.numel() / area;
    const std::size_t out_area = windows.out_h() * windows.out_w();
    auto map = detail::new_index_map(planes * out_area);
    const std::size_t stride_h = regular_stride(windows.taps_h);
    const std::size_t stride_w = regular_stride(windows.taps_w);
    const bool two_by_two = windows.taps_h[0].count == 2 && windows.taps_w[0].count == 2;
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> out = detail::new_array<T>(out_shape);
            // The planes split across the threads: each writes only its planes' outputs.
            detail::parallel_for(
                planes,
                [&](std::size_t begin, std::size_t end) {
                    T* o = out.data() + begin * out_area;
                    std::int64_t* m = map->data() + begin * out_area;
                    if (stride_h == 0 || stride_w == 0)
                        any_window_max(a.data(), begin, end, windows, o, m);
                    else if (two_by_two)
                        regular_window_max<2, 2>(a.data(), begin, end, windows, stride_h, stride_w,
                                                 o, m);
                    else
                        regular_window_max<0, 0>(a.data(), begin, end, windows, stride_h, stride_w,
                                                 o, m);
                },
                std::max<std::size_t>(1, detail::kParallelGrain / std::max<std::size_t>(1, area)),
                1);
            return out;
        },
        array_of(x));
    return detail::gathered_op(name, std::move(value), x, map, nullptr, planes);
}

Tensor window_mean_adjoint(const Tensor& g, const WindowsPtr& windows, const Shape& in_shape);

/// Average pooling by `windows` (sum over the taps / divisor); linear, with gradient
/// window_mean_adjoint.
Tensor window_mean(const char* name, const Tensor& x, const WindowsPtr& windows) {
    const Windows& w = *windows;
    const Shape out_shape = pooled_shape(x.shape(), w);
    const std::size_t area = w.height * w.width;
    const std::size_t planes = area == 0 ? 0 : x.numel() / area;
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> out = detail::new_array<T>(out_shape);
            T* o = out.data();
            for (std::size_t p = 0; p < planes; ++p) {
                const T* plane = a.data() + p * area;
                for (std::size_t y = 0; y < w.out_h(); ++y)
                    for (std::size_t xo = 0; xo < w.out_w(); ++xo) {
                        T total = T(0);
                        for_each_tap(w.taps_h[y], w.taps_w[xo], w.width,
                                     [&](std::size_t k) { total += plane[k]; });
                        *o++ = total / static_cast<T>(w.divisor[y * w.out_w() + xo]);
                    }
            }
            return out;
        },
        array_of(x));
    const Shape in_shape = x.shape();
    return make_op(name, std::move(value), {x},
                   [windows, in_shape](const Tensor& g, const Tensor&, const Inputs&) {
                       return Grads{window_mean_adjoint(g, windows, in_shape)};
                   });
}

/// Each window's gradient / divisor added to every tap of the window.
Tensor window_mean_adjoint(const Tensor& g, const WindowsPtr& windows, const Shape& in_shape) {
    const Windows& w = *windows;
    const std::size_t area = w.height * w.width;
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> out = detail::new_array<T>(in_shape);
            out.fill(T(0));
            const std::size_t planes = area == 0 ? 0 : out.size() / area;
            const T* src = a.data();
            for (std::size_t p = 0; p < planes; ++p) {
                T* plane = out.data() + p * area;
                for (std::size_t y = 0; y < w.out_h(); ++y)
                    for (std::size_t xo = 0; xo < w.out_w(); ++xo) {
                        const T share = *src++ / static_cast<T>(w.divisor[y * w.out_w() + xo]);
                        for_each_tap(w.taps_h[y], w.taps_w[xo], w.width,
                                     [&](std::size_t k) { plane[k] += share; });
                    }
            }
            return out;
        },
        array_of(g));
    return make_op("avg_pool_backward", std::move(value), {g},
                   [windows](const Tensor& u, const Tensor&, const Inputs&) {
                       return Grads{window_mean("avg_pool", u, windows)};
                   });
}

/// The 1-D pools run the 2-D ones over a height of 1.
template <class Pool2d>
Tensor over_last_axis(const Tensor& input, Pool2d pool) {
    return squeeze(pool(unsqueeze(input, -2)), -2);
}

/// PyTorch's adaptive windows along one axis: [floor(o n / out), ceil((o + 1) n / out)).
std::vector<Taps> adaptive_taps(std::size_t size, std::size_t out) {
    std::vector<Taps> taps(out);
    for (std::size_t o = 0; o < out; ++o) {
        const std::size_t begin = o * size / out, end = ((o + 1) * size + out - 1) / out;
        taps[o] = {begin, end - begin, 1};
    }
    return taps;
}

Windows adaptive_windows(const std::string& op, const Tensor& input, Pair2 output_size) {
    const Shape& s = input.shape();
    if (s.size() != 3 && s.size() != 4)
        throw ShapeError(op + ": expected a 3-D or 4-D input, got shape " + shape_str(s));
    const std::size_t h = s[s.size() - 2], w = s[s.size() - 1];
    if (h == 0 || w == 0 || output_size.h == 0 || output_size.w == 0)
        throw ShapeError(op + ": expected a non-empty input and output size, got input " +
                         shape_str(s) + " and output_size " + pair_str(output_size));
    Windows windows{h, w, adaptive_taps(h, output_size.h), adaptive_taps(w, output_size.w), {}};
    for (std::size_t y = 0; y < output_size.h; ++y)
        for (std::size_t x = 0; x < output_size.w; ++x)
            windows.divisor.push_back(
                static_cast<double>(windows.taps_h[y].count * windows.taps_w[x].count));
    return windows;
}

/// The window extent along one axis that count_include_pad divides by: the window clipped to
/// the padded input (PyTorch's pool_size).
std::vector<std::size_t> padded_extent(std::size_t size, std::size_t out, std::size_t kernel,
                                       std::size_t stride, std::size_t pad) {
    std::vector<std::size_t> extent(out);
    for (std::size_t o = 0; o < out; ++o)
        extent[o] = std::min(o * stride + kernel, size + 2 * pad) - o * stride;
    return extent;
}

}  // namespace

namespace {
/// Records a pooling for an exporter with ONNX's pooling attributes, per spatial axis (the
/// last one only for a 1-D pool); `more` adds the op's own.
void trace_pool(const Tensor& y, const char* op, const Tensor& input, Pair2 kernel, Pair2 stride,
                Pair2 padding, Pair2 dilation, bool ceil_mode, bool one_d, OpAttributes more = {}) {
    OpTrace* trace = OpTrace::current();
    if (!trace) return;
    const auto per_axis = [one_d](Pair2 p) {
        return one_d ? std::vector<std::int64_t>{static_cast<std::int64_t>(p.w)}
                     : std::vector<std::int64_t>{static_cast<std::int64_t>(p.h),
                                                 static_cast<std::int64_t>(p.w)};
    };
    std::vector<std::int64_t> pads = per_axis(padding), end = per_axis(padding);
    pads.insert(pads.end(), end.begin(), end.end());
    more["kernel_shape"] = per_axis(kernel);
    more["strides"] = per_axis(stride);
    more["pads"] = pads;
    more["dilations"] = per_axis(dilation);
    more["ceil_mode"] = std::int64_t{ceil_mode};
    trace->record(y, op, {input}, std::move(more));
}

/// Records an adaptive pooling for an exporter.
void trace_pool(const Tensor& y, const char* op, const Tensor& input, Pair2 output_size) {
    if (OpTrace* trace = OpTrace::current())
        trace->record(
            y, op, {input},
            {{"output_size", std::vector<std::int64_t>{static_cast<std::int64_t>(output_size.h),
                                                       static_cast<std::int64_t>(output_size.w)}}});
}
}  // namespace

Tensor max_pool2d(const Tensor& input, Pair2 kernel_size, std::optional<Pair2> stride,
                  Pair2 padding, Pair2 dilation, bool ceil_mode) {
    const Pair2 s = stride.value_or(kernel_size);
    check_pool("max_pool2d", input.shape(), kernel_size, s, padding, dilation, false);
    Tensor y = window_max(
        "max_pool2d", input,
        sliding_windows("max_pool2d", input.shape(), kernel_size, s, padding, dilation, ceil_mode));
    trace_pool(y, "max_pool", input, kernel_size, s, padding, dilation, ceil_mode, false);
    return y;
}

Tensor max_pool1d(const Tensor& input, std::size_t kernel_size, std::optional<std::size_t> stride,
                  std::size_t padding, std::size_t dilation, bool ceil_mode) {
    const Pair2 kernel{1, kernel_size}, s{1, stride.value_or(kernel_size)}, pad{0, padding},
        dil{1, dilation};
    check_pool("max_pool1d", input.shape(), kernel, s, pad, dil, true);
    Tensor y = over_last_axis(input, [&](const Tensor& x) {
        return window_max("max_pool1d", x,
                          sliding_windows("max_pool1d", x.shape(), kernel, s, pad, dil, ceil_mode));
    });
    trace_pool(y, "max_pool", input, kernel, s, pad, dil, ceil_mode, true);
    return y;
}

namespace {
Tensor avg_pool(const char* op, const Tensor& input, Pair2 kernel, Pair2 stride, Pair2 padding,
                bool ceil_mode, bool count_include_pad, std::optional<std::size_t> divisor,
                bool one_d) {
    check_pool(op, input.shape(), kernel, stride, padding, 1, one_d);
    if (divisor && *divisor == 0) throw ValueError(std::string(op) + ": divisor_override is 0");
    const Tensor x = one_d ? unsqueeze(input, -2) : input;
    auto windows = std::make_shared<Windows>(
        sliding_windows(op, x.shape(), kernel, stride, padding, 1, ceil_mode));
    const auto extent_h =
        padded_extent(windows->height, windows->out_h(), kernel.h, stride.h, padding.h);
    const auto extent_w =
        padded_extent(windows->width, windows->out_w(), kernel.w, stride.w, padding.w);
    for (std::size_t y = 0; y < windows->out_h(); ++y)
        for (std::size_t xo = 0; xo < windows->out_w(); ++xo)
            windows->divisor.push_back(
                divisor ? static_cast<double>(*divisor)
                : count_include_pad
                    ? static_cast<double>(extent_h[y] * extent_w[xo])
                    : static_cast<double>(windows->taps_h[y].count * windows->taps_w[xo].count));
    Tensor y = window_mean(op, x, windows);
    if (one_d) y = squeeze(y, -2);
    OpAttributes more{{"count_include_pad", std::int64_t{count_include_pad}}};
    if (divisor) more["divisor_override"] = static_cast<std::int64_t>(*divisor);
    trace_pool(y, "avg_pool", input, kernel, stride, padding, 1, ceil_mode, one_d, std::move(more));
    return y;
}
}  // namespace

Tensor avg_pool2d(const Tensor& input, Pair2 kernel_size, std::optional<Pair2> stride,
                  Pair2 padding, bool ceil_mode, bool count_include_pad,
                  std::optional<std::size_t> divisor_override) {
    return avg_pool("avg_pool2d", input, kernel_size, stride.value_or(kernel_size), padding,
                    ceil_mode, count_include_pad, divisor_override, false);
}

Tensor avg_pool1d(const Tensor& input, std::size_t kernel_size, std::optional<std::size_t> stride,
                  std::size_t padding, bool ceil_mode, bool count_include_pad) {
    return avg_pool("avg_pool1d", input, {1, kernel_size}, {1, stride.value_or(kernel_size)},
                    {0, padding}, ceil_mode, count_include_pad, std::nullopt, true);
}

Tensor adaptive_avg_pool2d(const Tensor& input, Pair2 output_size) {
    auto windows =
        std::make_shared<Windows>(adaptive_windows("adaptive_avg_pool2d", input, output_size));
    Tensor y = window_mean("adaptive_avg_pool2d", input, windows);
    trace_pool(y, "adaptive_avg_pool2d", input, output_size);
    return y;
}

Tensor adaptive_max_pool2d(const Tensor& input, Pair2 output_size) {
    Tensor y = window_max("adaptive_max_pool2d", input,
                          adaptive_windows("adaptive_max_pool2d", input, output_size));
    trace_pool(y, "adaptive_max_pool2d", input, output_size);
    return y;
}

}  // namespace xgrad
