#include "xgrad/factories.hpp"

#include <algorithm>
#include <cmath>
#include <xtensor/xbuilder.hpp>

#include "pool.hpp"
#include "xgrad/error.hpp"
#include "xgrad/function.hpp"

namespace xgrad {

Tensor full(const Shape& shape, double value, const TensorOptions& options) {
    return make_leaf(dispatch(options.dtype_or(DType::Float32),
                              [&](auto tag) -> Array {
                                  using T = decltype(tag);
                                  xt::xarray<T> a = detail::new_array<T>(shape);
                                  a.fill(T(value));
                                  return a;
                              }),
                     options.requires_grad());
}

Tensor zeros(const Shape& shape, const TensorOptions& options) { return full(shape, 0.0, options); }
Tensor ones(const Shape& shape, const TensorOptions& options) { return full(shape, 1.0, options); }
Tensor zeros_like(const Tensor& like) { return zeros(like.shape(), like.dtype()); }
Tensor ones_like(const Tensor& like) { return ones(like.shape(), like.dtype()); }

Tensor arange(double start, double stop, double step, const TensorOptions& options) {
    if (step == 0.0 || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step))
        throw ValueError("arange: expected finite start, stop and a non-zero step, got start " +
                         std::to_string(start) + ", stop " + std::to_string(stop) + ", step " +
                         std::to_string(step));
    const double count = std::ceil((stop - start) / step);
    const std::size_t n = count > 0 ? static_cast<std::size_t>(count) : 0;
    return make_leaf(dispatch(options.dtype_or(DType::Float32),
                              [&](auto tag) -> Array {
                                  using T = decltype(tag);
                                  xt::xarray<T> a = xt::empty<T>(Shape{n});
                                  for (std::size_t i = 0; i < n; ++i)
                                      a(i) = T(start + static_cast<double>(i) * step);
                                  return a;
                              }),
                     options.requires_grad());
}

namespace {
template <class V>
Tensor tensor_from(const std::vector<V>& values, const Shape& shape, const TensorOptions& options) {
    std::size_t count = 1;
    for (auto size : shape) count *= size;
    if (count != values.size())
        throw ShapeError("from_vector: " + std::to_string(values.size()) +
                         " values do not fill shape " + shape_str(shape) + " (expected " +
                         std::to_string(count) + ")");
    return make_leaf(dispatch(options.dtype_or(DType::Float32),
                              [&](auto tag) -> Array {
                                  using T = decltype(tag);
                                  xt::xarray<T> a = detail::new_array<T>(shape);
                                  std::transform(values.begin(), values.end(), a.data(),
                                                 [](V v) { return static_cast<T>(v); });
                                  return a;
                              }),
                     options.requires_grad());
}
}  // namespace

Tensor from_vector(const std::vector<double>& values, const Shape& shape,
                   const TensorOptions& options) {
    return tensor_from(values, shape, options);
}
Tensor from_vector(const std::vector<float>& values, const Shape& shape,
                   const TensorOptions& options) {
    return tensor_from(values, shape, options);
}

Tensor zeros(const Shape& shape, DType dtype, bool requires_grad) {
    return zeros(shape, TensorOptions(dtype).requires_grad(requires_grad));
}
Tensor ones(const Shape& shape, DType dtype, bool requires_grad) {
    return ones(shape, TensorOptions(dtype).requires_grad(requires_grad));
}
Tensor full(const Shape& shape, double value, DType dtype, bool requires_grad) {
    return full(shape, value, TensorOptions(dtype).requires_grad(requires_grad));
}
Tensor from_vector(const std::vector<double>& values, const Shape& shape, DType dtype,
                   bool requires_grad) {
    return tensor_from(values, shape, TensorOptions(dtype).requires_grad(requires_grad));
}
Tensor from_vector(const std::vector<float>& values, const Shape& shape, DType dtype,
                   bool requires_grad) {
    return tensor_from(values, shape, TensorOptions(dtype).requires_grad(requires_grad));
}

}  // namespace xgrad
