#pragma once
// A copy of an array with its axes permuted, in plain loops: xtensor's strided assignment of a
// transposed view walks every element through a multi-index, which made the head split of
// attention (a reshape and a permute of q, k and v and back) the costliest part of a step.

#include <cstddef>
#include <cstring>
#include <vector>

#include "xgrad/tensor.hpp"

namespace xgrad::detail {

/// out[i0, ..., ik] = in[...] with out's axis j being in's axis perm[j]; `out` has the permuted
/// shape, both are row major and contiguous.
template <class T>
void permuted_copy(const T* in, const Shape& in_shape, const std::vector<std::size_t>& perm,
                   T* out) {
    // in's strides, then the output's axes with their sizes and input strides, size-1 axes
    // dropped and neighbours that stay neighbours merged, so that a permute which keeps the last
    // axis copies whole runs.
    std::vector<std::size_t> in_stride(in_shape.size());
    std::size_t total = 1;
    for (std::size_t a = in_shape.size(); a-- > 0;) {
        in_stride[a] = total;
        total *= in_shape[a];
    }
    if (total == 0) return;
    std::vector<std::size_t> size, stride;
    for (std::size_t axis : perm) {
        if (in_shape[axis] == 1) continue;
        if (!size.empty() && stride.back() == in_stride[axis] * in_shape[axis]) {
            size.back() *= in_shape[axis];
            stride.back() = in_stride[axis];
        } else {
            size.push_back(in_shape[axis]);
            stride.push_back(in_stride[axis]);
        }
    }
    if (size.empty() || (size.size() == 1 && stride[0] == 1)) {
        std::memcpy(out, in, total * sizeof(T));
        return;
    }
    const std::size_t rank = size.size();
    const std::size_t run = size[rank - 1], run_stride = stride[rank - 1];
    std::vector<std::size_t> index(rank - 1, 0);
    std::size_t offset = 0;  // of the current run's first element in `in`
    for (std::size_t done = 0; done < total; done += run) {
        const T* src = in + offset;
        if (run_stride == 1)
            std::memcpy(out, src, run * sizeof(T));
        else
            for (std::size_t k = 0; k < run; ++k) out[k] = src[k * run_stride];
        out += run;
        // the next run: an odometer over the outer axes
        for (std::size_t a = rank - 1; a-- > 0;) {
            offset += stride[a];
            if (++index[a] < size[a]) break;
            offset -= stride[a] * size[a];
            index[a] = 0;
        }
    }
}

}  // namespace xgrad::detail
