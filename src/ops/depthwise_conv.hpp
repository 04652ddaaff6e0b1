#pragma once
// The three products of a depthwise convolution (groups == input channels, each output channel
// o filtering input channel o / multiplier alone), computed directly: lowered, each group's gemm
// has one row per output channel and kH kW columns, too small for BLAS to be worth its packing.
// The same sums as conv_products.hpp, in another order:
//   y[n, o, p]   = b[o] + sum_t w[o, t] x[n, c, p + t]
//   dx[n, c, q]  = sum_{o of c} sum_t w[o, t] g[n, o, q - t]
//   dw[o, t]     = sum_n sum_p g[n, o, p] x[n, c, p + t]
// (t a tap, p + t the input position it reads for output position p, c = o / multiplier).
// Each walks the taps and, per tap, the contiguous runs of an output row whose input lies inside
// the image (valid_range), so the inner loop is an axpy that vectorises at stride 1.

#include <algorithm>
#include <cstddef>
#include <vector>
#include <xtensor/xarray.hpp>

#include "ops/im2col.hpp"
#include "pool.hpp"
#include "xgrad/parallel.hpp"

namespace xgrad::detail {

/// A convolution the direct depthwise kernels compute.
inline bool is_depthwise(const ConvGeometry& g) {
    return g.groups > 1 && g.groups == g.in_channels;
}

/// Calls f(tap, out_y, in_y, out_x, in_x, count) for every tap (index i kW + j) and output row
/// out_y whose input row in_y is inside the image: the `count` output columns from out_x on read
/// the input columns from in_x on, stride_w apart.
template <class F>
void for_each_tap_row(const ConvGeometry& g, F f) {
    for (std::size_t i = 0; i < g.kernel_h; ++i)
        for (std::size_t j = 0; j < g.kernel_w; ++j) {
            std::size_t first, last;
            valid_range(g.width, g.pad_w, j * g.dilation_w, g.stride_w, g.out_w, first, last);
            if (first == last) continue;
            const std::size_t in_x = first * g.stride_w + j * g.dilation_w - g.pad_w;
            for (std::size_t y = 0; y < g.out_h; ++y) {
                const std::size_t in_y = y * g.stride_h + i * g.dilation_h;
                if (in_y < g.pad_h || in_y - g.pad_h >= g.height) continue;
                f(i * g.kernel_w + j, y, in_y - g.pad_h, first, in_x, last - first);
            }
        }
}

/// dst[k] += a * src[k * stride] for k < count; at stride 1 a loop that vectorises.
template <class T>
void add_scaled(T* dst, T a, const T* src, std::size_t stride, std::size_t count) {
    if (stride == 1)
        for (std::size_t k = 0; k < count; ++k) dst[k] += a * src[k];
    else
        for (std::size_t k = 0; k < count; ++k) dst[k] += a * src[k * stride];
}

/// Planes per chunk of the parallel loops: a plane of 14 x 14 is about a microsecond of work.
constexpr std::size_t kDepthwiseGrain = 16;

// At stride 1 a tap reads the input shifted by a constant: with the plane copied into a zeroed
// buffer `width` wide (the padding made explicit), the outputs laid out `width` wide too (the
// columns past the output's width are scratch), one tap is one contiguous loop over the whole
// plane instead of a short loop per row.

/// Copies a `height` x `width_in` plane into `out` (rows x width, zeroed, plus `slack` zeros
/// after it), its row r and column c landing at row r + top and column c + left (top and left
/// may be negative: what falls outside is dropped).
template <class T>
void pad_plane(const T* in, std::size_t height, std::size_t width_in, std::ptrdiff_t top,
               std::ptrdiff_t left, std::size_t rows, std::size_t width, std::size_t slack,
               std::vector<T>& out) {
    out.assign(rows * width + slack, T(0));
    const auto p = [](std::size_t v) { return static_cast<std::ptrdiff_t>(v); };
    const std::ptrdiff_t c0 = std::max<std::ptrdiff_t>(0, -left);
    const std::ptrdiff_t c1 = std::min(p(width_in), p(width) - left);
    if (c0 >= c1) return;
    for (std::ptrdiff_t r = std::max<std::ptrdiff_t>(0, -top); r < p(height) && r + top < p(rows);
         ++r)
        std::copy(in + r * p(width_in) + c0, in + r * p(width_in) + c1,
                  out.data() + (r + top) * p(width) + left + c0);
}

/// The first `cols` columns of each of `rows` rows `width` apart, packed.
template <class T>
void unpad_rows(const T* in, std::size_t rows, std::size_t width, std::size_t cols, T* out) {
    for (std::size_t r = 0; r < rows; ++r) std::copy_n(in + r * width, cols, out + r * cols);
}

template <class T>
void depthwise_forward_stride1(const T* in, const T* kernel, T b, const ConvGeometry& g, T* out,
                               std::vector<T>& padded, std::vector<T>& wide) {
    const std::size_t width = g.width + 2 * g.pad_w, rows = g.height + 2 * g.pad_h;
    pad_plane(in, g.height, g.width, static_cast<std::ptrdiff_t>(g.pad_h),
              static_cast<std::ptrdiff_t>(g.pad_w), rows, width, (g.kernel_w - 1) * g.dilation_w,
              padded);
    wide.assign(g.out_h * width, b);
    for (std::size_t i = 0; i < g.kernel_h; ++i)
        for (std::size_t j = 0; j < g.kernel_w; ++j)
            add_scaled(wide.data(), kernel[i * g.kernel_w + j],
                       padded.data() + i * g.dilation_h * width + j * g.dilation_w, 1, wide.size());
    unpad_rows(wide.data(), g.out_h, width, g.out_w, out);
}

template <class T>
xt::xarray<T> depthwise_forward(const T* x, const T* w, const T* bias, const ConvGeometry& g) {
    const bool stride1 = g.stride_h == 1 && g.stride_w == 1;
    const std::size_t multiplier = g.out_channels / g.in_channels, taps = g.kernel_area();
    const std::size_t in_area = g.height * g.width, out_area = g.out_area();
    xt::xarray<T> y = new_array<T>({g.batch, g.out_channels, g.out_h, g.out_w});
    parallel_for(
        g.batch * g.out_channels,
        [&](std::size_t begin, std::size_t end) {
            std::vector<T> padded, wide;
            for (std::size_t plane = begin; plane < end; ++plane) {
                const std::size_t n = plane / g.out_channels, o = plane % g.out_channels;
                const T* in = x + (n * g.in_channels + o / multiplier) * in_area;
                const T* kernel = w + o * taps;
                T* out = y.data() + plane * out_area;
                if (stride1) {
                    depthwise_forward_stride1(in, kernel, bias ? bias[o] : T(0), g, out, padded,
                                              wide);
                    continue;
                }
                std::fill(out, out + out_area, bias ? bias[o] : T(0));
                for_each_tap_row(g, [&](std::size_t t, std::size_t oy, std::size_t iy,
                                        std::size_t ox, std::size_t ix, std::size_t count) {
                    add_scaled(out + oy * g.out_w + ox, kernel[t], in + iy * g.width + ix,
                               g.stride_w, count);
                });
            }
        },
        kDepthwiseGrain, 1);
    return y;
}

template <class T>
xt::xarray<T> depthwise_input_grad(const T* grad, const T* w, const ConvGeometry& g) {
    const bool stride1 = g.stride_h == 1 && g.stride_w == 1;
    const std::size_t multiplier = g.out_channels / g.in_channels, taps = g.kernel_area();
    const std::size_t in_area = g.height * g.width, out_area = g.out_area();
    xt::xarray<T> dx = new_array<T>({g.batch, g.in_channels, g.height, g.width});
    parallel_for(
        g.batch * g.in_channels,
        [&](std::size_t begin, std::size_t end) {
            std::vector<T> padded, wide;
            for (std::size_t plane = begin; plane < end; ++plane) {
                const std::size_t n = plane / g.in_channels, c = plane % g.in_channels;
                T* out = dx.data() + plane * in_area;
                if (stride1) {
                    // dx[q] = sum_t w[t] g[q - t]: over g padded by the kernel's span less the
                    // convolution's padding, a convolution with the kernel flipped.
                    const std::size_t span_h = (g.kernel_h - 1) * g.dilation_h,
                                      span_w = (g.kernel_w - 1) * g.dilation_w;
                    const std::size_t width = g.width + span_w;
                    wide.assign(g.height * width, T(0));
                    for (std::size_t o = c * multiplier; o < (c + 1) * multiplier; ++o) {
                        pad_plane(grad + (n * g.out_channels + o) * out_area, g.out_h, g.out_w,
                                  static_cast<std::ptrdiff_t>(span_h) -
                                      static_cast<std::ptrdiff_t>(g.pad_h),
                                  static_cast<std::ptrdiff_t>(span_w) -
                                      static_cast<std::ptrdiff_t>(g.pad_w),
                                  g.height + span_h, width, span_w, padded);
                        for (std::size_t i = 0; i < g.kernel_h; ++i)
                            for (std::size_t j = 0; j < g.kernel_w; ++j)
                                add_scaled(wide.data(), w[o * taps + i * g.kernel_w + j],
                                           padded.data() + (span_h - i * g.dilation_h) * width +
                                               span_w - j * g.dilation_w,
                                           1, wide.size());
                    }
                    unpad_rows(wide.data(), g.height, width, g.width, out);
                    continue;
                }
                std::fill(out, out + in_area, T(0));
                for (std::size_t o = c * multiplier; o < (c + 1) * multiplier; ++o) {
                    const T* kernel = w + o * taps;
                    const T* in = grad + (n * g.out_channels + o) * out_area;
                    for_each_tap_row(g, [&](std::size_t t, std::size_t oy, std::size_t iy,
                                            std::size_t ox, std::size_t ix, std::size_t count) {
                        T* dst = out + iy * g.width + ix;
                        const T* src = in + oy * g.out_w + ox;
                        const T k = kernel[t];
                        if (g.stride_w == 1)
                            for (std::size_t q = 0; q < count; ++q) dst[q] += k * src[q];
                        else
                            for (std::size_t q = 0; q < count; ++q)
                                dst[q * g.stride_w] += k * src[q];
                    });
                }
            }
        },
        kDepthwiseGrain, 1);
    return dx;
}

/// dw for output channels [begin, end) at stride 1: per tap, products added lane by lane over
/// the plane laid out `width` wide (g zero past its width), the lanes added up at the end.
template <class T>
void depthwise_weight_grad_stride1(const T* x, const T* grad, const ConvGeometry& g,
                                   std::size_t begin, std::size_t end, T* dw) {
    const std::size_t multiplier = g.out_channels / g.in_channels, taps = g.kernel_area();
    const std::size_t width = g.width + 2 * g.pad_w, rows = g.height + 2 * g.pad_h;
    const std::size_t count = g.out_h * width;
    std::vector<T> padded, wide, lanes(taps * count);
    for (std::size_t o = begin; o < end; ++o) {
        std::fill(lanes.begin(), lanes.end(), T(0));
        for (std::size_t n = 0; n < g.batch; ++n) {
            pad_plane(x + (n * g.in_channels + o / multiplier) * g.height * g.width, g.height,
                      g.width, static_cast<std::ptrdiff_t>(g.pad_h),
                      static_cast<std::ptrdiff_t>(g.pad_w), rows, width,
                      (g.kernel_w - 1) * g.dilation_w, padded);
            pad_plane(grad + (n * g.out_channels + o) * g.out_area(), g.out_h, g.out_w, 0, 0,
                      g.out_h, width, 0, wide);
            for (std::size_t i = 0; i < g.kernel_h; ++i)
                for (std::size_t j = 0; j < g.kernel_w; ++j) {
                    T* sum = lanes.data() + (i * g.kernel_w + j) * count;
                    const T* src = padded.data() + i * g.dilation_h * width + j * g.dilation_w;
                    for (std::size_t q = 0; q < count; ++q) sum[q] += wide[q] * src[q];
                }
        }
        for (std::size_t t = 0; t < taps; ++t) {
            T total = T(0);
            for (std::size_t q = 0; q < count; ++q) total += lanes[t * count + q];
            dw[o * taps + t] = total;
        }
    }
}

/// Each output channel's sums are one thread's, in one order: the same values at any thread
/// count. Per tap, products are added lane by lane into a row of out_w sums (a loop that
/// vectorises) which is added up at the end.
template <class T>
xt::xarray<T> depthwise_weight_grad(const T* x, const T* grad, const ConvGeometry& g) {
    const bool stride1 = g.stride_h == 1 && g.stride_w == 1;
    const std::size_t multiplier = g.out_channels / g.in_channels, taps = g.kernel_area();
    const std::size_t in_area = g.height * g.width, out_area = g.out_area();
    xt::xarray<T> dw = new_array<T>({g.out_channels, std::size_t(1), g.kernel_h, g.kernel_w});
    parallel_for(
        g.out_channels,
        [&](std::size_t begin, std::size_t end) {
            if (stride1) {
                depthwise_weight_grad_stride1(x, grad, g, begin, end, dw.data());
                return;
            }
            std::vector<T> lanes(taps * g.out_w);
            for (std::size_t o = begin; o < end; ++o) {
                std::fill(lanes.begin(), lanes.end(), T(0));
                for (std::size_t n = 0; n < g.batch; ++n) {
                    const T* in = x + (n * g.in_channels + o / multiplier) * in_area;
                    const T* gr = grad + (n * g.out_channels + o) * out_area;
                    for_each_tap_row(g, [&](std::size_t t, std::size_t oy, std::size_t iy,
                                            std::size_t ox, std::size_t ix, std::size_t count) {
                        T* sum = lanes.data() + t * g.out_w + ox;
                        const T* gy = gr + oy * g.out_w + ox;
                        const T* src = in + iy * g.width + ix;
                        if (g.stride_w == 1)
                            for (std::size_t q = 0; q < count; ++q) sum[q] += gy[q] * src[q];
                        else
                            for (std::size_t q = 0; q < count; ++q)
                                sum[q] += gy[q] * src[q * g.stride_w];
                    });
                }
                for (std::size_t t = 0; t < taps; ++t) {
                    T total = T(0);
                    for (std::size_t ox = 0; ox < g.out_w; ++ox) total += lanes[t * g.out_w + ox];
                    dw.data()[o * taps + t] = total;
                }
            }
        },
        1, 1);
    return dw;
}

}  // namespace xgrad::detail
