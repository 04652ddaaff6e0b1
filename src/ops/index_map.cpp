#include "ops/index_map.hpp"

#include "ops/common.hpp"

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
                   IndexMap grad_map) {
    if (!grad_map) grad_map = map;
    const Shape in_shape = x.shape();
    return make_op(
        name, std::move(value), {x},
        [grad_map, in_shape](const Tensor& g, const Tensor&, const Inputs&) {
            return Grads{scatter_add_by_map("scatter_add_by_map", g, grad_map, in_shape)};
        });
}

Tensor scatter_add_by_map(const char* name, const Tensor& g, const IndexMap& map,
                          const Shape& out_shape) {
    Array value = std::visit(
        [&](const auto& a) -> Array {
            using T = element_t<decltype(a)>;
            xt::xarray<T> out = new_array<T>(out_shape);
            out.fill(T(0));
            const std::int64_t* m = map->data();
            const T* in = a.data();
            T* o = out.data();
            for (std::size_t i = 0; i < a.size(); ++i)
                if (m[i] >= 0) o[m[i]] += in[i];
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
