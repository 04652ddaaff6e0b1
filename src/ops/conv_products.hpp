#pragma once
// The three products of a convolution over a lowered batch (im2col.hpp): the forward
// y = W cols, the input gradient col2im(W^T G) and the weight gradient G cols^T, one gemm per
// group, the batch's chunks shared out among the threads. A depthwise convolution goes to the
// direct kernels of depthwise_conv.hpp instead. Plain functions over raw arrays, for the ops in
// conv.cpp.

#include <algorithm>
#include <cstddef>
#include <xtensor/xarray.hpp>

#include "blas.hpp"
#include "ops/depthwise_conv.hpp"
#include "ops/im2col.hpp"
#include "pool.hpp"

namespace xgrad::detail {

/// A scratch matrix of the lowering (rows x columns), recycled when it dies.
template <class T>
struct Scratch {
    Array holder;
    T* data;
    Scratch(std::size_t rows, std::size_t columns)
        : holder(new_array<T>({rows, columns})), data(std::get<xt::xarray<T>>(holder).data()) {}
    ~Scratch() { recycle(holder); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
};

/// (N, C, L) -> (C, N L): the layout of the gemm's output and gradient blocks.
template <class T>
void batch_to_columns(const T* nchw, std::size_t n, std::size_t c, std::size_t l, T* out) {
    for (std::size_t b = 0; b < n; ++b)
        for (std::size_t ch = 0; ch < c; ++ch)
            std::copy_n(nchw + (b * c + ch) * l, l, out + ch * n * l + b * l);
}

/// The batch is lowered a chunk of examples at a time, sized so that the im2col matrix (about
/// this many bytes) stays in the core's cache between im2col writing it and gemm reading it.
constexpr std::size_t kLoweredBytes = std::size_t(1) << 20;

/// Examples per chunk for geometry g: at most kLoweredBytes of lowering, the chunks of the
/// batch as equal as they can be (they are shared out among the threads).
template <class T>
std::size_t chunk_size(const ConvGeometry& g) {
    const std::size_t per_example =
        std::max<std::size_t>(1, g.group_rows() * g.groups * g.out_area());
    const std::size_t most = std::max<std::size_t>(1, kLoweredBytes / sizeof(T) / per_example);
    const std::size_t chunks = (g.batch + most - 1) / most;
    return chunks == 0 ? 1 : (g.batch + chunks - 1) / chunks;
}

/// Calls f(part, first) for chunks [begin, end) of the batch, in order: part is g for
/// examples [first, first + part.batch).
template <class T, class F>
void for_chunks(const ConvGeometry& g, std::size_t begin, std::size_t end, F f) {
    const std::size_t chunk = chunk_size<T>(g);
    for (std::size_t c = begin; c < end; ++c) {
        ConvGeometry part = g;
        part.batch = std::min(chunk, g.batch - c * chunk);
        f(part, c * chunk);
    }
}

template <class T>
std::size_t chunk_count(const ConvGeometry& g) {
    const std::size_t chunk = chunk_size<T>(g);
    return (g.batch + chunk - 1) / chunk;
}

/// Calls f(part, first) for every chunk of the batch, the chunks shared out among the threads
/// (each with its products on one BLAS thread): f must write only its own examples' outputs.
/// A lone chunk runs on the caller, its products split like any other (blas.cpp).
template <class T, class F>
void for_each_chunk_in_parallel(const ConvGeometry& g, F f) {
    run_product_chunks(chunk_count<T>(g), [&](std::size_t c) { for_chunks<T>(g, c, c + 1, f); });
}

template <class T>
xt::xarray<T> conv_forward(const T* x, const T* w, const T* bias, const ConvGeometry& g) {
    if (is_depthwise(g)) return depthwise_forward(x, w, bias, g);
    const std::size_t rows = g.group_rows(), og = g.group_out_channels(), area = g.out_area();
    const std::size_t max_cols = chunk_size<T>(g) * area;
    xt::xarray<T> y = new_array<T>({g.batch, g.out_channels, g.out_h, g.out_w});
    for_each_chunk_in_parallel<T>(g, [&](const ConvGeometry& part, std::size_t first) {
        Scratch<T> lowered(rows * g.groups, max_cols);
        Scratch<T> product(g.out_channels, max_cols);
        const std::size_t cols = part.columns();
        im2col(x + first * g.in_channels * g.height * g.width, part, lowered.data);
        for (std::size_t k = 0; k < g.groups; ++k)
            gemm(false, false, og, cols, rows, T(1), w + k * og * rows, rows,
                 lowered.data + k * rows * cols, cols, T(0), product.data + k * og * cols, cols);
        for (std::size_t n = 0; n < part.batch; ++n)
            for (std::size_t o = 0; o < g.out_channels; ++o) {
                const T* src = product.data + o * cols + n * area;
                T* dst = y.data() + ((first + n) * g.out_channels + o) * area;
                const T b = bias ? bias[o] : T(0);
                for (std::size_t i = 0; i < area; ++i) dst[i] = src[i] + b;
            }
    });
    return y;
}

template <class T>
xt::xarray<T> conv_input_grad(const T* grad, const T* w, const ConvGeometry& g) {
    if (is_depthwise(g)) return depthwise_input_grad(grad, w, g);
    const std::size_t rows = g.group_rows(), og = g.group_out_channels(), area = g.out_area();
    const std::size_t max_cols = chunk_size<T>(g) * area;
    const std::size_t image = g.in_channels * g.height * g.width;
    xt::xarray<T> x = new_array<T>({g.batch, g.in_channels, g.height, g.width});
    for_each_chunk_in_parallel<T>(g, [&](const ConvGeometry& part, std::size_t first) {
        Scratch<T> grad_columns(g.out_channels, max_cols);
        Scratch<T> lowered(rows * g.groups, max_cols);
        const std::size_t cols = part.columns();
        batch_to_columns(grad + first * g.out_channels * area, part.batch, g.out_channels, area,
                         grad_columns.data);
        for (std::size_t k = 0; k < g.groups; ++k)
            gemm(true, false, rows, cols, og, T(1), w + k * og * rows, rows,
                 grad_columns.data + k * og * cols, cols, T(0), lowered.data + k * rows * cols,
                 cols);
        T* out = x.data() + first * image;
        std::fill(out, out + part.batch * image, T(0));
        col2im(lowered.data, part, out);
    });
    return x;
}

/// The weight gradient adds the products of all chunks. Their sum is split into a number of
/// parts fixed by the geometry alone (never by the thread count, so that the values are the
/// same at any thread count): each part adds its run of chunks in order into its own buffer,
/// the parts run in parallel, and their buffers are added in order. At most this many parts,
/// and their buffers at most kPartialBytes together.
constexpr std::size_t kWeightGradParts = 8;
constexpr std::size_t kPartialBytes = std::size_t(4) << 20;

template <class T>
xt::xarray<T> conv_weight_grad(const T* x, const T* grad, const ConvGeometry& g) {
    if (is_depthwise(g)) return depthwise_weight_grad(x, grad, g);
    const std::size_t rows = g.group_rows(), og = g.group_out_channels(), area = g.out_area();
    const std::size_t max_cols = chunk_size<T>(g) * area;
    xt::xarray<T> w =
        new_array<T>({g.out_channels, g.in_channels / g.groups, g.kernel_h, g.kernel_w});
    const std::size_t size = w.size(), chunks = chunk_count<T>(g);
    if (chunks == 0 || size == 0) {
        w.fill(T(0));
        return w;
    }
    const std::size_t parts = std::max<std::size_t>(
        1, std::min({chunks, kWeightGradParts, kPartialBytes / sizeof(T) / size}));
    Scratch<T> partials(parts - 1, size);
    run_product_chunks(parts, [&](std::size_t p) {
        Scratch<T> lowered(rows * g.groups, max_cols);
        Scratch<T> grad_columns(g.out_channels, max_cols);
        T* sum = p == 0 ? w.data() : partials.data + (p - 1) * size;
        const std::size_t begin = chunks * p / parts, end = chunks * (p + 1) / parts;
        for_chunks<T>(g, begin, end, [&](const ConvGeometry& part, std::size_t first) {
            const std::size_t cols = part.columns();
            im2col(x + first * g.in_channels * g.height * g.width, part, lowered.data);
            batch_to_columns(grad + first * g.out_channels * area, part.batch, g.out_channels, area,
                             grad_columns.data);
            const T beta = first == begin * chunk_size<T>(g) ? T(0) : T(1);
            for (std::size_t k = 0; k < g.groups; ++k)
                gemm(false, true, og, rows, cols, T(1), grad_columns.data + k * og * cols, cols,
                     lowered.data + k * rows * cols, cols, beta, sum + k * og * rows, rows);
        });
    });
    for (std::size_t p = 1; p < parts; ++p) {
        const T* part = partials.data + (p - 1) * size;
        for (std::size_t i = 0; i < size; ++i) w.data()[i] += part[i];
    }
    return w;
}

}  // namespace xgrad::detail
