// x.index({...}), x[i] and index_put: a gather by the index plan's map (ops/index_plan.hpp) and
// its adjoint, the scatter-add by the same map (ops/index_map.hpp). Tensor's index members are
// declared with the handle but, being ops, are defined here.
#include "xgrad/ops/indexing.hpp"

#include "ops/common.hpp"
#include "ops/index_plan.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad {

// d(x.index)/dx scatters the gradient back by the map: repeated entries add up.
Tensor Tensor::index(const std::vector<indexing::TensorIndex>& indices) const {
    const detail::IndexPlan plan = detail::plan_index("index", shape(), indices);
    return detail::gather_by_map("index", *this, plan.map, plan.shape);
}

Tensor Tensor::operator[](std::int64_t i) const { return index({i}); }

Tensor index_put(const Tensor& x, const std::vector<indexing::TensorIndex>& indices,
                 const Tensor& values, bool accumulate) {
    check_same_dtype("index_put", {x, values});
    const detail::IndexPlan plan = detail::plan_index("index_put", x.shape(), indices);
    if (broadcast_shapes("index_put", values.shape(), plan.shape) != plan.shape)
        throw ShapeError("index_put: values of shape " + shape_str(values.shape()) +
                         " do not broadcast to the indexed shape " + shape_str(plan.shape));
    const Tensor v = values.shape() == plan.shape ? values : broadcast_to(values, plan.shape);
    if (accumulate) return x + detail::scatter_add_by_map("index_put", v, plan.map, x.shape());

    // Each target keeps the last value written to it; the entries written lose x's value (and
    // its gradient).
    auto last = std::make_shared<std::vector<std::int64_t>>(*plan.map);
    std::vector<bool> written(x.numel(), false);
    for (std::size_t k = last->size(); k-- > 0;) {
        auto target = static_cast<std::size_t>((*last)[k]);
        if (written[target]) (*last)[k] = -1;
        written[target] = true;
    }
    const Tensor keep = detail::constant(dispatch(x.dtype(), [&](auto tag) -> Array {
        using T = decltype(tag);
        xt::xarray<T> k = detail::new_array<T>(x.shape());
        for (std::size_t i = 0; i < k.size(); ++i) k.data()[i] = written[i] ? T(0) : T(1);
        return Array(std::move(k));
    }));
    return x * keep + detail::scatter_add_by_map("index_put", v, last, x.shape());
}

Tensor index_put(const Tensor& x, const std::vector<indexing::TensorIndex>& indices, double value,
                 bool accumulate) {
    return index_put(x, indices, full({}, value, x.dtype()), accumulate);
}

}  // namespace xgrad
