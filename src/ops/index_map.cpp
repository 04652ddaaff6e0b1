#include "ops/index_map.hpp"

#include <algorithm>

#include "ops/common.hpp"
#include "xgrad/parallel.hpp"

namespace xgrad::detail {

Tensor gather_by_map(const char* name, const Tensor& x, const IndexMap& map, const Shape& out_shape,
                     IndexMap grad_map) {
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> out = new_array<T>(out_shape);
            const std::int64_t* m = map->data();
            const T* in = a.data();
            T* o = out.data();
            for (std::size_t i = 0; i < out.size(); ++i) o[i] = m[i] >= 0 ? in[m[i]] : T(0);
            return out;
        },
        array_of(x));
    return gathered_op(name, std::move(value), x, map, grad_map);
}

Tensor gathered_op(const char* name, Array value, const Tensor& x, const IndexMap& map,
                   IndexMap grad_map, std::size_t blocks) {
    if (!grad_map) grad_map = map;
    const Shape in_shape = x.shape();
    return make_op(
        name, std::move(value), {x},
        [grad_map, in_shape, blocks](const Tensor& g, const Tensor&, const Inputs&) {
            return Grads{scatter_add_by_map("scatter_add_by_map", g, grad_map, in_shape, blocks)};
        });
}

Tensor scatter_add_by_map(const char* name, const Tensor& g, const IndexMap& map,
                          const Shape& out_shape, std::size_t blocks) {
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> out = new_array<T>(out_shape);
            const std::int64_t* m = map->data();
            const T* in = a.data();
            T* o = out.data();
            if (blocks <= 1 || a.size() % blocks != 0 || out.size() % blocks != 0) {
                out.fill(T(0));
                for (std::size_t i = 0; i < a.size(); ++i)
                    if (m[i] >= 0) o[m[i]] += in[i];
                return out;
            }
            const std::size_t from = a.size() / blocks, to = out.size() / blocks;
            parallel_for(
                blocks,
                [&](std::size_t begin, std::size_t end) {
                    for (std::size_t b = begin; b < end; ++b) {
                        std::fill(o + b * to, o + (b + 1) * to, T(0));
                        for (std::size_t i = b * from; i < (b + 1) * from; ++i)
                            if (m[i] >= 0) o[m[i]] += in[i];
                    }
                },
                std::max<std::size_t>(1, kParallelGrain / std::max<std::size_t>(1, to)), 1);
            return out;
        },
        array_of(g));
    const Shape g_shape = g.shape();
    return make_op(name, std::move(value), {g},
                   [map, g_shape](const Tensor& gg, const Tensor&, const Inputs&) {
                       return Grads{gather_by_map("gather_by_map", gg, map, g_shape)};
                   });
}

}  // namespace xgrad::detail
