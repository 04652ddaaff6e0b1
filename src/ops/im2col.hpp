#pragma once
// The lowering of a 2-D convolution to matrix products. im2col copies, for the whole batch,
// every receptive field into one column of a (C_in kH kW, N H_out W_out) matrix (zeros where
// the field reaches into the padding); col2im adds such a matrix back into an image, the adjoint
// of im2col. Row (c kH + i) kW + j, column (n H_out + y) W_out + x holds input
// (n, c, y stride_h + i dilation_h - pad_h, x stride_w + j dilation_w - pad_w).

#include <algorithm>
#include <cstddef>

namespace xgrad::detail {

/// Sizes of one convolution: input (batch, in_channels, height, width), weight
/// (out_channels, in_channels / groups, kernel_h, kernel_w), output (batch, out_channels,
/// out_h, out_w).
struct ConvGeometry {
    std::size_t batch, in_channels, height, width;
    std::size_t out_channels, kernel_h, kernel_w;
    std::size_t out_h, out_w;
    std::size_t stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w, groups;

    std::size_t kernel_area() const { return kernel_h * kernel_w; }
    /// Rows of one group's block of the im2col matrix (C_in / groups kH kW).
    std::size_t group_rows() const { return in_channels / groups * kernel_area(); }
    std::size_t group_out_channels() const { return out_channels / groups; }
    std::size_t out_area() const { return out_h * out_w; }
    /// Columns of the im2col matrix (every output position of the batch).
    std::size_t columns() const { return batch * out_area(); }
};

/// The output positions x in [first, last) whose tap at offset `offset` (tap index times
/// dilation) lands inside an axis of `size` after padding `pad` and with `stride`.
inline void valid_range(std::size_t size, std::size_t pad, std::size_t offset, std::size_t stride,
                        std::size_t outputs, std::size_t& first, std::size_t& last) {
    // input = x stride + offset - pad must satisfy 0 <= input < size.
    first = offset >= pad ? 0 : (pad - offset + stride - 1) / stride;
    last = size + pad > offset ? (size + pad - offset + stride - 1) / stride : 0;
    last = std::min(last, outputs);
    first = std::min(first, last);
}

/// Visits every row segment of the lowering: copy_row(matrix offset, inside, image offset,
/// x offset, first, last), `inside` false for a segment in the padding rows; the caller moves
/// the valid x range [first, last) of the segment.
template <class CopyRow>
void for_each_row(const ConvGeometry& g, CopyRow copy_row) {
    const std::size_t columns = g.columns();
    for (std::size_t c = 0; c < g.in_channels; ++c)
        for (std::size_t i = 0; i < g.kernel_h; ++i)
            for (std::size_t j = 0; j < g.kernel_w; ++j) {
                const std::size_t row = (c * g.kernel_h + i) * g.kernel_w + j;
                std::size_t first, last;
                valid_range(g.width, g.pad_w, j * g.dilation_w, g.stride_w, g.out_w, first, last);
                const std::ptrdiff_t x_offset = static_cast<std::ptrdiff_t>(j * g.dilation_w) -
                                                static_cast<std::ptrdiff_t>(g.pad_w);
                for (std::size_t n = 0; n < g.batch; ++n)
                    for (std::size_t y = 0; y < g.out_h; ++y) {
                        const std::ptrdiff_t in_y =
                            static_cast<std::ptrdiff_t>(y * g.stride_h + i * g.dilation_h) -
                            static_cast<std::ptrdiff_t>(g.pad_h);
                        const std::size_t column = (n * g.out_h + y) * g.out_w;
                        const bool inside =
                            in_y >= 0 && in_y < static_cast<std::ptrdiff_t>(g.height);
                        const std::size_t image_row =
                            inside ? ((n * g.in_channels + c) * g.height + in_y) * g.width : 0;
                        copy_row(row * columns + column, inside, image_row, x_offset, first, last);
                    }
            }
}

/// Fills `cols` (group_rows() * groups rows by columns()) from `image` (N, C_in, H, W).
template <class T>
void im2col(const T* image, const ConvGeometry& g, T* cols) {
    const std::size_t out_w = g.out_w, stride = g.stride_w;
    for_each_row(g, [&](std::size_t at, bool inside, std::size_t image_row, std::ptrdiff_t x_offset,
                        std::size_t first, std::size_t last) {
        T* dst = cols + at;
        if (!inside) {
            std::fill(dst, dst + out_w, T(0));
            return;
        }
        const T* src = image + image_row;
        std::fill(dst, dst + first, T(0));
        if (stride == 1) {
            std::copy(src + static_cast<std::ptrdiff_t>(first) + x_offset,
                      src + static_cast<std::ptrdiff_t>(last) + x_offset, dst + first);
        } else {
            for (std::size_t x = first; x < last; ++x)
                dst[x] = src[static_cast<std::ptrdiff_t>(x * stride) + x_offset];
        }
        std::fill(dst + last, dst + out_w, T(0));
    });
}

/// Adds `cols` back into `image` (N, C_in, H, W), which the caller has zeroed: the adjoint of
/// im2col (a pixel covered by several receptive fields receives the sum of their entries).
template <class T>
void col2im(const T* cols, const ConvGeometry& g, T* image) {
    const std::size_t stride = g.stride_w;
    for_each_row(g, [&](std::size_t at, bool inside, std::size_t image_row, std::ptrdiff_t x_offset,
                        std::size_t first, std::size_t last) {
        if (!inside) return;
        const T* src = cols + at;
        T* dst = image + image_row;
        if (stride == 1) {  // contiguous: the loop vectorises
            T* out = dst + static_cast<std::ptrdiff_t>(first) + x_offset;
            for (std::size_t k = 0; k < last - first; ++k) out[k] += src[first + k];
        } else {
            for (std::size_t x = first; x < last; ++x)
                dst[static_cast<std::ptrdiff_t>(x * stride) + x_offset] += src[x];
        }
    });
}

}  // namespace xgrad::detail
